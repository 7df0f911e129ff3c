import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The library's own Lambda handlers: bundle name → source entry (relative to the package root).
 * bin/bundle-handlers.ts bundles each into `dist/handlers/<name>/index.js` (the AWS SDK v3 left
 * to the Lambda runtime); the published package ships the bundles, not the sources.
 */
export const LIBRARY_HANDLERS = {
  'approval-notifier': 'lambda/approval/notifier.ts',
  'approval-decision': 'lambda/approval/decision-api.ts',
  'stuck-executions': 'lambda/monitoring/stuck-executions.ts',
} as const;

/** The name of a library handler: `approval-notifier`, `approval-decision` or `stuck-executions`. */
export type LibraryHandlerName = keyof typeof LIBRARY_HANDLERS;

/**
 * The directory of a pre-bundled library handler (`dist/handlers/<name>`), for `Code.fromAsset`.
 *
 * @throws Error if the bundle is missing: in a checkout of this repository the handlers are not
 *   bundled yet (`npm run build:handlers`; `npm start`, `npm test` and `npm run synth` do it
 *   first); in an installed package, the package is incomplete.
 */
export function handlerAssetPath(name: LibraryHandlerName): string {
  const root = packageRoot();
  const directory = path.join(root, 'dist', 'handlers', name);
  if (!existsSync(path.join(directory, 'index.js'))) {
    const fix = existsSync(path.join(root, LIBRARY_HANDLERS[name]))
      ? "This is a checkout of cdk-sfn-workflows: run 'npm run build:handlers' (npm start, npm test and npm run synth run it first)."
      : 'The installed cdk-sfn-workflows package is incomplete: reinstall it.';
    throw new Error(`The ${name} Lambda handler is not bundled (no ${directory}/index.js). ${fix}`);
  }
  return directory;
}

/**
 * The directory of the approvals web page (`web/approvals` of this package), for
 * `Source.asset`.
 *
 * @throws Error if the page is missing (an incomplete installed package).
 */
export function approvalsPageAssetPath(): string {
  const directory = path.join(packageRoot(), 'web', 'approvals');
  if (!existsSync(path.join(directory, 'index.html'))) {
    throw new Error(`The approvals web page is missing (no ${directory}/index.html): the installed cdk-sfn-workflows package is incomplete: reinstall it.`);
  }
  return directory;
}

/** The cdk-sfn-workflows package root, whether this file runs from lib/ or dist/lib/. */
export function packageRoot(): string {
  let directory = __dirname;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`Cannot find the cdk-sfn-workflows package root above ${__dirname}.`);
    directory = parent;
  }
  return directory;
}
