import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleHandlers, kib } from './bundle-handlers';

/**
 * Cold load of the library's own Lambda handlers, as the Lambda Node.js runtime loads them: a
 * fresh `node` process requires the bundle from a directory with no node_modules (the function's
 * /var/task), and the AWS SDK v3 it leaves external resolves through `NODE_PATH` (the runtime's
 * /var/runtime/node_modules; here this repository's node_modules).
 */

const ROOT = path.join(__dirname, '..');

/** What one fresh process took to load a module. */
export interface ColdLoad {
  /** Milliseconds `require(file)` took, SDK included. */
  readonly loadMillis: number;
  /** The names the module exports. */
  readonly exports: readonly string[];
}

/** One handler's cold load, over several fresh processes. */
export interface HandlerColdLoad {
  readonly name: string;
  readonly bytes: number;
  /** Median milliseconds to require the bundle, the SDK it needs included. */
  readonly medianMillis: number;
  /** Median milliseconds to require only the `@aws-sdk/*` modules the bundle requires. */
  readonly sdkMedianMillis: number;
  /** The same handler with the SDK bundled in (as it was built before), for comparison. */
  readonly sdkBundled: { readonly bytes: number; readonly medianMillis: number };
}

/**
 * Requires `file` in a fresh `node` process, with `nodePath` as `NODE_PATH`, from where it lies.
 *
 * @throws Error if the process fails (the message carries its stderr)
 */
export function coldLoad(file: string, nodePath: string = path.join(ROOT, 'node_modules')): ColdLoad {
  const script = [
    "const { performance } = require('node:perf_hooks');",
    'const started = performance.now();',
    `const loaded = require(${JSON.stringify(file)});`,
    'const loadMillis = performance.now() - started;',
    'process.stdout.write(JSON.stringify({ loadMillis, exports: Object.keys(loaded) }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: path.dirname(file),
    env: { ...process.env, NODE_PATH: nodePath, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Loading ${file} failed (exit ${run.status}): ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as ColdLoad;
}

/** The `@aws-sdk/*` modules a bundle requires at run time. */
export function sdkModulesOf(bundleText: string): string[] {
  return [...new Set([...bundleText.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((match) => match[1]))].sort();
}

/**
 * Measures each library handler's cold load, `runs` fresh processes each (the median is kept),
 * interleaved: the bundle as shipped (SDK external), the SDK modules alone, and the handler
 * rebuilt with the SDK bundled. Bundles into a scratch directory outside the repository
 * (nothing resolves from a node_modules beside the bundle, as in /var/task), leaving dist/ as
 * it is.
 */
export function measureHandlerColdLoad(runs: number = 9): HandlerColdLoad[] {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-handlers-'));
  try {
    const shipped = bundleHandlers({ outDir: path.join(scratch, 'external') });
    const bundled = bundleHandlers({ outDir: path.join(scratch, 'bundled'), includeRuntimeModules: true });
    return shipped.map((bundle) => {
      const withSdk = bundled.find((b) => b.name === bundle.name)!;
      const sdkProbe = path.join(scratch, `${bundle.name}-sdk.js`);
      writeFileSync(sdkProbe, sdkModulesOf(readFileSync(bundle.file, 'utf8')).map((m) => `require(${JSON.stringify(m)});`).join('\n'));
      const [shippedMillis, sdkMillis, bundledMillis] = medianLoads([bundle.file, sdkProbe, withSdk.file], runs);
      return {
        name: bundle.name,
        bytes: bundle.bytes,
        medianMillis: shippedMillis,
        sdkMedianMillis: sdkMillis,
        sdkBundled: { bytes: withSdk.bytes, medianMillis: bundledMillis },
      };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Prints {@link measureHandlerColdLoad} as one section of `npm run bench`.
 *
 * @param label the section's label, e.g. `(g)`
 */
export function printHandlerColdLoad(label: string, runs: number = 9): void {
  const results = measureHandlerColdLoad(runs);
  console.log(`${label} cold load of the library's Lambda handlers: require() in a fresh process, median of ${runs}; the AWS SDK v3 from node_modules via NODE_PATH, as the Lambda runtime provides it`);
  for (const r of results) {
    console.log(`    ${r.name.padEnd(18)} ${kib(r.bytes).padStart(9)}  ${fmt(r.medianMillis)} ms (of which the SDK alone ${fmt(r.sdkMedianMillis)} ms)`
      + `   SDK bundled: ${kib(r.sdkBundled.bytes)}, ${fmt(r.sdkBundled.medianMillis)} ms`);
  }
  const sum = (f: (r: HandlerColdLoad) => number) => results.reduce((total, r) => total + f(r), 0);
  console.log(`handler cold load, SDK left to the runtime vs bundled: ${(sum((r) => r.medianMillis) / sum((r) => r.sdkBundled.medianMillis)).toFixed(2)}×\n`);
}

/**
 * The median load time of each file over `runs` rounds; each round loads every file once, in
 * turn, so that the machine's load weighs on all of them alike.
 */
function medianLoads(files: string[], runs: number): number[] {
  files.forEach((file) => coldLoad(file)); // warm the file system cache: Lambda's image is local too
  const times = files.map((): number[] => []);
  for (let round = 0; round < runs; round++) files.forEach((file, index) => times[index].push(coldLoad(file).loadMillis));
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

function fmt(millis: number): string {
  return millis.toFixed(1);
}
