#!/usr/bin/env node
import { mkdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, Metafile } from 'esbuild';
import { LIBRARY_HANDLERS, LibraryHandlerName } from '../lib/approval/handler-assets';

/**
 * Packages the Lambda Node.js runtime provides, left out of the bundles (esbuild `external`):
 * the AWS SDK for JavaScript v3, which Node.js 18 and later runtimes ship under
 * /var/runtime/node_modules (the handlers import only `@aws-sdk/*`; the `@smithy/*` packages
 * are the SDK's own dependencies and load with it). Powertools is not in the runtime, so the
 * handlers log with lambda/approval/logger.ts instead.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'] as const;

/** The size budget of each bundle (minified, no source map): 20 KiB. */
export const MAX_HANDLER_BUNDLE_BYTES = 20 * 1024;

/** One bundled handler. */
export interface HandlerBundle {
  /** The handler's name, the directory under the output directory. */
  readonly name: LibraryHandlerName;
  /** The bundle, `<outDir>/<name>/index.js` (the function's handler is `index.handler`). */
  readonly file: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The source files esbuild put into it, relative to the package root. */
  readonly inputs: readonly string[];
}

/** Where {@link bundleHandlers} writes, and whether it leaves the SDK out (for a comparison build only). */
export interface BundleOptions {
  /**
   * The output directory; each handler goes to `<outDir>/<name>/`, which is emptied first.
   * @default dist/handlers of the package root
   */
  readonly outDir?: string;
  /**
   * Bundle the runtime-provided modules too: how the handlers were built before they left the
   * SDK to the runtime. Only for measurements and for tests that must see what a bundled SDK
   * looks like; never for the shipped bundles.
   * @default false
   */
  readonly includeRuntimeModules?: boolean;
}

const ROOT = path.join(__dirname, '..');

/**
 * Pre-bundles the library's own Lambda handlers with esbuild into `<outDir>/<name>/index.js`, so
 * consumers of the library need neither esbuild nor Docker to deploy them: CommonJS for the
 * Node.js 24 runtime the functions use (target node22, the project's floor), minified, with the
 * AWS SDK v3 left to the runtime and no source map (a map would have to ship the TypeScript
 * sources it points at; the bundles are small enough to read as they are).
 *
 * @returns each bundle with its size and inputs
 * @throws Error from esbuild when a handler does not compile
 */
export function bundleHandlers(options: BundleOptions = {}): HandlerBundle[] {
  const outDir = options.outDir ?? path.join(ROOT, 'dist', 'handlers');
  return (Object.entries(LIBRARY_HANDLERS) as Array<[LibraryHandlerName, string]>).map(([name, entry]) => {
    const directory = path.join(outDir, name);
    rmSync(directory, { recursive: true, force: true }); // no stale index.js.map from an older build
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, 'index.js');
    const result = buildSync({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      external: options.includeRuntimeModules ? [] : [...RUNTIME_PROVIDED_MODULES],
      metafile: true,
      logLevel: 'warning',
    });
    return { name, file, bytes: statSync(file).size, inputs: inputsOf(result.metafile) };
  });
}

function inputsOf(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
}

/** `9.3 KiB`. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

if (require.main === module) {
  const bundles = bundleHandlers();
  const sizes = bundles.map((bundle) => `${bundle.name} (${kib(bundle.bytes)})`).join(', ');
  console.log(`Bundled ${sizes} into dist/handlers/ (AWS SDK v3 left to the Lambda runtime)`);
}
