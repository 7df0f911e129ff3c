#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessage } from '@microsoft/api-extractor';
import * as ts from 'typescript';

/**
 * The API reports, api/<entry point>.api.md: what each public entry point of the package
 * exports, as API Extractor writes it, so every change to the public API is a reviewed diff.
 *
 * `tsx bin/api-report.ts check` (`npm run api:check`, run by `npm test`) fails when a report
 * differs from the code, printing the difference and the command that updates it, or when
 * API Extractor warns (an undocumented export, a type the entry point uses but does not
 * export, malformed TSDoc). `tsx bin/api-report.ts update` (`npm run api:update`) rewrites the
 * reports. The declarations are emitted to tmp/api/ (ignored), never committed.
 */

const ROOT = path.join(__dirname, '..');
/** Scratch space: declarations, the TypeScript build info that makes reruns quick, fresh reports. */
const SCRATCH = path.join(ROOT, 'tmp', 'api');
const TYPES_DIR = path.join(SCRATCH, 'types');
const CONFIG_FILE = path.join(ROOT, 'api-extractor.json');
/** Where the committed reports live (`apiReport.reportFolder` of api-extractor.json). */
export const REPORT_DIR = path.join(ROOT, 'api');

/** One public entry point: an `exports` subpath of package.json that has types. */
export interface EntryPoint {
  /** The import specifier, e.g. `cdk-sfn-workflows/asl`. */
  readonly specifier: string;
  /** Its source, relative to the package root, e.g. `lib/asl/index.ts`. */
  readonly source: string;
  /** The report's base name, e.g. `cdk-sfn-workflows-asl` (for api/cdk-sfn-workflows-asl.api.md). */
  readonly reportName: string;
}

/**
 * The public entry points, read from package.json `exports` (those with `types`), so a new
 * entry point gets a report without a change here.
 */
export function publicEntryPoints(): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string }> };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) => {
    const types = typeof target === 'string' ? undefined : target.types;
    if (types === undefined) return [];
    const source = path.posix.normalize(types).replace(/^dist\//, '').replace(/\.d\.ts$/, '.ts');
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
    return [{ specifier, source, reportName: specifier.replace(/\//g, '-') }];
  });
}

/** Emits the declarations of the entry points (and all they reach) to tmp/api/types, incrementally. */
function emitDeclarations(entries: readonly EntryPoint[]): void {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
  });
  if (!parsed) fail('tsconfig.build.json could not be read.');
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    sourceMap: false,
    declarationMap: true, // API Extractor then points its messages at the .ts sources
    rootDir: ROOT,
    outDir: TYPES_DIR,
    incremental: true,
    tsBuildInfoFile: path.join(SCRATCH, 'types.tsbuildinfo'),
  };
  const program = ts.createIncrementalProgram({ rootNames: entries.map((entry) => path.join(ROOT, entry.source)), options });
  const emitted = program.emit();
  // Type errors are `tsc --noEmit`'s to report (npm test runs it first); here only what stops the declarations.
  const diagnostics = [...program.getSyntacticDiagnostics(), ...emitted.diagnostics];
  if (diagnostics.length > 0) {
    fail(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  }
}

/** The API Extractor configuration of one entry point: api-extractor.json, with its entry and report name. */
function extractorConfigOf(entry: EntryPoint): ExtractorConfig {
  const configObject = ExtractorConfig.loadFile(CONFIG_FILE);
  configObject.mainEntryPointFilePath = declarationOf(entry);
  configObject.apiReport = { ...configObject.apiReport!, reportFileName: entry.reportName };
  return ExtractorConfig.prepare({ configObject, configObjectFullPath: CONFIG_FILE, packageJsonFullPath: path.join(ROOT, 'package.json') });
}

function declarationOf(entry: EntryPoint): string {
  return path.join(TYPES_DIR, entry.source.replace(/\.ts$/, '.d.ts'));
}

/** What one run found for one entry point. */
interface EntryResult {
  readonly entry: EntryPoint;
  /** API Extractor's warnings and errors, one line each. */
  readonly problems: string[];
  /** Whether the fresh report differs from the committed one. */
  readonly changed: boolean;
}

/** Messages that only narrate the run (the compiler version, the report being written). */
const NARRATION = /^console-/;

function extract(entry: EntryPoint, config: ExtractorConfig, compilerState: CompilerState, update: boolean): EntryResult {
  const problems: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState,
    messageCallback: (message: ExtractorMessage) => {
      message.handled = true;
      if (NARRATION.test(message.messageId)) return;
      if (message.logLevel !== ExtractorLogLevel.Warning && message.logLevel !== ExtractorLogLevel.Error) return;
      const where = message.sourceFilePath ? `${sourceOf(message.sourceFilePath)}:${message.sourceFileLine ?? 0}: ` : '';
      problems.push(`${where}${message.messageId}: ${message.text}`);
    },
  });
  return { entry, problems, changed: result.apiReportChanged };
}

/** The source a declaration came from (messages point at tmp/api/types/...d.ts otherwise). */
function sourceOf(file: string): string {
  const relative = path.relative(TYPES_DIR, file);
  return relative.startsWith('..') ? path.relative(ROOT, file) : relative.replace(/\.d\.ts$/, '.ts');
}

/** The difference between the committed report and the fresh one, as git shows it. */
function reportDiff(entry: EntryPoint): string {
  const committed = path.join(REPORT_DIR, `${entry.reportName}.api.md`);
  const fresh = path.join(SCRATCH, 'reports', `${entry.reportName}.api.md`);
  if (!existsSync(committed)) return `  ${path.relative(ROOT, committed)} is missing.\n`;
  const diff = spawnSync('git', ['diff', '--no-index', '--no-color', '--', path.relative(ROOT, committed), path.relative(ROOT, fresh)], { cwd: ROOT, encoding: 'utf8' });
  return diff.stdout || `  (compare ${path.relative(ROOT, committed)} with ${path.relative(ROOT, fresh)})\n`;
}

function fail(message: string): never {
  process.stderr.write(`${message.trimEnd()}\n`);
  process.exit(1);
}

function main(mode: string | undefined): void {
  if (mode !== 'check' && mode !== 'update') fail('usage: tsx bin/api-report.ts check|update');
  const update = mode === 'update';
  const entries = publicEntryPoints();
  emitDeclarations(entries);
  const configs = entries.map(extractorConfigOf);
  // One TypeScript program for all entry points: most of the time goes into loading aws-cdk-lib's types.
  const compilerState = CompilerState.create(configs[0], { additionalEntryPoints: entries.map(declarationOf) });
  const results = entries.map((entry, i) => extract(entry, configs[i], compilerState, update));

  const problems = results.flatMap((r) => r.problems.map((p) => `  [${r.entry.specifier}] ${p}`));
  const drifted = results.filter((r) => r.changed && !update);
  for (const r of results) {
    const state = r.changed ? (update ? 'updated' : 'DIFFERS from the code') : 'up to date';
    process.stdout.write(`api/${r.entry.reportName}.api.md: ${state}\n`);
  }
  if (drifted.length > 0) {
    process.stderr.write(`\nThe public API differs from its committed report:\n\n${drifted.map((r) => reportDiff(r.entry)).join('\n')}\n`);
    process.stderr.write('If the change is intended, run `npm run api:update` and commit api/*.api.md with it.\n');
  }
  if (problems.length > 0) {
    process.stderr.write(`\nAPI Extractor found ${problems.length} problem(s) in the public API; fix them in the sources:\n${problems.join('\n')}\n`);
  }
  if (drifted.length > 0 || problems.length > 0) process.exit(1);
}

if (require.main === module) main(process.argv[2]);
