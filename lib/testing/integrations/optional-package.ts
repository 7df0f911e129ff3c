/**
 * Loads an optional peer dependency of the testing entry when a feature first needs it.
 *
 * @throws Error naming the feature, the missing packages and the command that installs them.
 */
export function requireOptional<T>(name: string, feature: string, packages: readonly string[]): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(`${feature} needs the optional packages ${packages.join(', ')}, which are not installed: run \`npm i -D ${packages.join(' ')}\`.`);
  }
}
