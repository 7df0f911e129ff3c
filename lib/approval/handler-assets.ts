import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The library's own Lambda handlers: bundle name → source entry (relative to the package root). */
export const LIBRARY_HANDLERS = {
  'approval-notifier': 'lambda/approval/notifier.ts',
  'approval-decision': 'lambda/approval/decision-api.ts',
} as const;

/**
 * The directory of a pre-bundled library handler (`dist/handlers/<name>`), for `Code.fromAsset`.
 *
 * @throws Error if the bundle is missing (in a checkout of this repository: run `npm run build:handlers`).
 */
export function handlerAssetPath(name: keyof typeof LIBRARY_HANDLERS): string {
  const directory = path.join(packageRoot(), 'dist', 'handlers', name);
  if (!existsSync(path.join(directory, 'index.js'))) {
    throw new Error(`The ${name} Lambda handler is not bundled (no ${directory}/index.js). In a checkout of cdk-sfn-workflows run 'npm run build:handlers'.`);
  }
  return directory;
}

/** The cdk-sfn-workflows package root, whether this file runs from lib/ or dist/lib/. */
function packageRoot(): string {
  let directory = __dirname;
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`Cannot find the cdk-sfn-workflows package root above ${__dirname}.`);
    directory = parent;
  }
  return directory;
}
