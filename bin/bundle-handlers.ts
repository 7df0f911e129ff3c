#!/usr/bin/env node
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { LIBRARY_HANDLERS } from '../lib/approval/handler-assets';

/**
 * Pre-bundles the library's own Lambda handlers with esbuild into dist/handlers/<name>/index.js,
 * so consumers of the library need neither esbuild nor Docker to deploy them.
 */
const root = path.join(__dirname, '..');
for (const [name, entry] of Object.entries(LIBRARY_HANDLERS)) {
  buildSync({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, 'dist', 'handlers', name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
console.log(`Bundled ${Object.keys(LIBRARY_HANDLERS).join(', ')} into dist/handlers/`);
