/**
 * A feature needs a package this library declares as an optional peer dependency, and it is
 * not installed. The message names the feature, the packages and the command that installs
 * them.
 */
export class MissingOptionalDependencyError extends Error {
  /** @param feature what needs the packages, e.g. `Drawing a diagram as SVG` */
  constructor(feature: string, public readonly packages: readonly string[]) {
    super(
      `${feature} needs ${packages.length === 1 ? 'the optional package' : 'the optional packages'} ${packages.join(', ')}, ` +
        `which cdk-sfn-workflows does not install for you. Install ${packages.length === 1 ? 'it' : 'them'}: npm install --save-dev ${packages.join(' ')}`,
    );
    this.name = 'MissingOptionalDependencyError';
  }
}

/**
 * Loads `name`, one of the optional peer dependencies, when a feature first needs it.
 *
 * @param packages every package the feature needs, for the install command
 * @throws MissingOptionalDependencyError when `name` is not installed
 */
export function requireOptional<T>(name: string, feature: string, packages: readonly string[] = [name]): T {
  return attempt(() => require(name) as T, name, feature, packages);
}

/**
 * The path of `request` (a file of an optional peer dependency) without loading it.
 *
 * @throws MissingOptionalDependencyError when its package is not installed
 */
export function resolveOptional(request: string, feature: string, packages: readonly string[]): string {
  return attempt(() => require.resolve(request), request, feature, packages);
}

function attempt<T>(load: () => T, request: string, feature: string, packages: readonly string[]): T {
  try {
    return load();
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(`'${request}'`);
    if (missing) throw new MissingOptionalDependencyError(feature, packages);
    throw error;
  }
}
