#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * `npm run jsii:check` (run by `npm test`): compiles the construct entry point (lib/index.ts
 * and every source file it reaches) with jsii in tmp/jsii/ and fails on any jsii error, so
 * the public API keeps a shape other languages can bind to: no index signatures, literal or
 * null unions, Map, Error subclasses or intersections in it, readonly props interfaces, and
 * only types of our own, of aws-cdk-lib and of constructs (the dependencies that ship jsii
 * assemblies). Warnings (a Java reserved word, for example) are printed, not fatal.
 *
 * The scratch package gets a package.json with the `jsii` section and a tsconfig of the same
 * compiler options as tsconfig.json; node_modules is linked. Nothing there is committed.
 */

const ROOT = path.join(__dirname, '..');
const SCRATCH = path.join(ROOT, 'tmp', 'jsii');
const ENTRY = 'lib/index.ts';

/**
 * The package's own source files the entry point reaches through imports (static, `import
 * type`, dynamic and `export ... from`), relative to the package root. Only relative
 * specifiers lead to our files; packages resolve through the linked node_modules.
 */
export function reachableSources(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      pending.push(resolveRelative(path.posix.join(path.posix.dirname(file), fileName), file));
    }
  }
  return [...seen].sort();
}

function resolveRelative(specifier: string, importer: string): string {
  const candidates = [specifier, `${specifier}.ts`, `${specifier}/index.ts`].filter((c) => !c.endsWith('.js'));
  const found = candidates.find((candidate) => /\.(ts|json)$/.test(candidate) && existsSync(path.join(ROOT, candidate)));
  if (!found) throw new Error(`${importer} imports ${specifier}, which resolves to no .ts or .json file.`);
  return found;
}

/** The version of a package installed in node_modules. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Writes the scratch package: the sources, package.json with the `jsii` section, tsconfig, README, node_modules link. */
function prepareScratch(sources: readonly string[]): void {
  rmSync(SCRATCH, { recursive: true, force: true });
  for (const source of sources) {
    mkdirSync(path.dirname(path.join(SCRATCH, source)), { recursive: true });
    copyFileSync(path.join(ROOT, source), path.join(SCRATCH, source));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(SCRATCH, 'node_modules'), 'dir');
  copyFileSync(path.join(ROOT, 'README.md'), path.join(SCRATCH, 'README.md'));
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; description: string; license: string };
  // jsii binds only to dependencies that ship a jsii assembly: aws-cdk-lib and constructs. The
  // exact dev versions are the installed ones (jsii wants a dev dependency on the peer's floor).
  const jsiiDependencies = Object.fromEntries(['aws-cdk-lib', 'constructs'].map((name) => [name, installedVersion(name)]));
  writeJson('package.json', {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    author: { name: 'cdk-sfn-workflows authors', roles: ['author'] },
    repository: { type: 'git', url: 'https://github.com/cdk-sfn-workflows/cdk-sfn-workflows.git' },
    main: ENTRY.replace(/\.ts$/, '.js'),
    types: ENTRY.replace(/\.ts$/, '.d.ts'),
    peerDependencies: Object.fromEntries(Object.entries(jsiiDependencies).map(([name, version]) => [name, `^${version}`])),
    devDependencies: jsiiDependencies,
    jsii: { outdir: 'dist', targets: {}, tsconfig: 'tsconfig.jsii.json', validateTsconfig: 'minimal' },
  });
  // The compiler options of tsconfig.json (jsii's generated tsconfig would target ES2020 without
  // esModuleInterop, which the sources use), emitting beside the sources as jsii expects.
  writeJson('tsconfig.jsii.json', {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      moduleResolution: 'node10',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      declaration: true,
    },
    include: ['lib/**/*.ts'],
  });
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(path.join(SCRATCH, file), `${JSON.stringify(value, null, 2)}\n`);
}

/** jsii's own totals line: `Errors: 0 | Warnings: 1 | Time: 12.3s`. */
function totalsOf(output: string): { errors: number; warnings: number } | undefined {
  const match = /Errors: (\d+) \| Warnings: (\d+)/.exec(output);
  return match ? { errors: Number(match[1]), warnings: Number(match[2]) } : undefined;
}

function main(): void {
  const sources = reachableSources(ENTRY);
  prepareScratch(sources);
  const jsii = spawnSync(process.execPath, [require.resolve('jsii/bin/jsii')], { cwd: SCRATCH, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const output = `${jsii.stdout ?? ''}${jsii.stderr ?? ''}`;
  const totals = totalsOf(output);
  const failed = jsii.status !== 0 || totals === undefined || totals.errors > 0;
  if (failed || (totals?.warnings ?? 0) > 0) process.stderr.write(output);
  const summary = totals ? `${totals.errors} error(s), ${totals.warnings} warning(s)` : `no totals (exit ${jsii.status})`;
  process.stdout.write(`jsii check of ${ENTRY} (${sources.length} files): ${summary}\n`);
  if (failed) {
    process.stderr.write('The construct entry point must compile with jsii: change the public API shape (see the errors above), not the check.\n');
    process.exit(1);
  }
}

if (require.main === module) main();
