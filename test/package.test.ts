import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAX_HANDLER_BUNDLE_BYTES } from '../bin/bundle-handlers';

/**
 * The package as a CDK user gets it. The library is packed as `npm publish` would pack it (from a
 * copy of this checkout without dist/ or node_modules/, so `prepack` builds it from scratch),
 * then:
 *
 * - the tarball is read as a consumer's npm would unpack it: what it ships, what its
 *   package.json runs on install, what its declarations import;
 * - a fresh CDK app (aws-cdk-lib, constructs and typescript, nothing else) installs it, is
 *   type-checked with `skipLibCheck: false` under `moduleResolution` node (node10), node16
 *   and bundler, is compiled and synthesized with node, and runs a workflow with
 *   `LocalRunner` from `cdk-sfn-workflows/testing`.
 *
 * The fresh app installs from the npm cache when it can, else from the registry; with neither,
 * that part is skipped and says so in its name.
 */

const REPO = path.join(__dirname, '..');
const repoPackage = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));

/** What a fresh CDK app depends on: nothing but CDK and TypeScript. */
const FRESH_APP = {
  dependencies: { 'aws-cdk-lib': '~2.276.0', constructs: '^10.5.1' },
  devDependencies: { typescript: '~5.9.3' },
};

/** Top-level entries of this checkout that are not sources (build output, installs, caches). */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'cdk.out', '.git', 'out', 'coverage', 'tmp-scratch', '.cdk.staging']);

/** Lifecycle scripts npm runs in a consumer's install of a package. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** npm's own context variables, dropped for the npm commands run here (they name this repository). */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !(/^npm_/i.test(key) || key === 'INIT_CWD') || keep.has(key.toLowerCase())));
}

interface Run {
  readonly command: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = npmEnvironment()): Run {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { command: `${command} ${args.join(' ')}`, status: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ?? ''}` };
}

function runAsync(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: npmEnvironment(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ command: `${command} ${args.join(' ')}`, status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Fails with the command's output when it did not exit 0. */
function expectSuccess(result: Run): void {
  if (result.status !== 0) throw new Error(`${result.command}: exit ${result.status}\n${result.stdout}${result.stderr}`);
}

/**
 * Can the fresh app be installed here? From the npm cache alone (`--offline`, checked with a dry
 * run), else from the registry (`npm ping`); neither means the test cannot run.
 */
function installMode(): { mode: 'offline' | 'prefer-offline' } | { mode: 'unavailable'; reason: string } {
  const probe = mkdtempSync(path.join(tmpdir(), 'fresh-app-probe-'));
  try {
    writeFileSync(path.join(probe, 'package.json'), JSON.stringify({ name: 'probe', version: '0.0.0', private: true }));
    const wanted = { ...FRESH_APP.dependencies, ...FRESH_APP.devDependencies, ...repoPackage.dependencies } as Record<string, string>;
    const specs = Object.entries(wanted).map(([name, range]) => `${name}@${range}`);
    const offline = run('npm', ['install', '--offline', '--dry-run', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], probe);
    if (offline.status === 0) return { mode: 'offline' };
    const ping = run('npm', ['ping', '--fetch-timeout=15000', '--fetch-retries=0'], probe);
    if (ping.status === 0) return { mode: 'prefer-offline' };
    return { mode: 'unavailable', reason: 'the npm registry is unreachable and the npm cache lacks the fresh app’s packages' };
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** The tarball's files (paths without the leading `package/`) and sizes, as `tar` lists them. */
function tarballFiles(tarball: string): Map<string, number> {
  const listing = run('tar', ['-tzvf', tarball], path.dirname(tarball));
  expectSuccess(listing);
  const files = new Map<string, number>();
  for (const line of listing.stdout.split('\n')) {
    const match = /^\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(package\/.+)$/.exec(line.trim());
    if (match) files.set(match[2].slice('package/'.length), Number(match[1]));
  }
  return files;
}

/** The bare module specifiers (`import`, `import()`, `export … from`, `/// <reference types>`) of the declarations reachable from `entry`. */
function declarationImports(entry: string): Map<string, string> {
  const found = new Map<string, string>(); // specifier → a file that imports it
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(file) || !statSync(file).isFile()) continue;
    seen.add(file);
    // without comments: TSDoc examples import the package itself
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!\/).*$/gm, '');
    const specifiers = [
      ...[...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]),
      ...[...text.matchAll(/\/\/\/\s*<reference\s+types=["']([^"']+)["']/g)].map((m) => m[1]),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        queue.push(...[`${target}.d.ts`, path.join(target, 'index.d.ts'), target.replace(/\.js$/, '.d.ts')]);
      } else if (!found.has(specifier)) {
        found.set(specifier, file);
      }
    }
  }
  return found;
}

/** `aws-cdk-lib/aws-lambda` → `aws-cdk-lib`; `@scope/name/x` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The declaration file of each `exports` subpath: its `types` condition, else the `.d.ts` beside its JavaScript. */
function entryDeclarations(pkg: any): string[] {
  return Object.entries(pkg.exports as Record<string, string | Record<string, string>>)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([, target]) => (typeof target === 'string' ? target : target.types ?? target.default).replace(/\.js$/, '.d.ts'));
}

/** The `exports` subpaths a user imports (not `./package.json`), as module names. */
function entryPoints(pkg: any): string[] {
  return Object.keys(pkg.exports).filter((subpath) => subpath !== './package.json').map((subpath) => path.posix.join(pkg.name, subpath));
}

const scratch = mkdtempSync(path.join(tmpdir(), 'package-test-'));
let tarball: string;
let files: Map<string, number>;
let packed: any;
let unpacked: string;

beforeAll(() => {
  // A copy of the checkout's sources, as a fresh clone has them (no dist/), with this checkout's node_modules.
  const source = path.join(scratch, 'source');
  cpSync(REPO, source, { recursive: true, filter: (from) => !NOT_SOURCES.has(path.relative(REPO, from).split(path.sep)[0]) });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  // WHEN npm packs it (prepack builds it)
  const started = Date.now();
  expectSuccess(run('npm', ['pack', '--pack-destination', scratch], source));
  const packSeconds = (Date.now() - started) / 1000;
  tarball = path.join(scratch, readdirSync(scratch).find((name) => name.endsWith('.tgz'))!);
  files = tarballFiles(tarball);
  unpacked = path.join(scratch, 'unpacked');
  mkdirSync(unpacked);
  expectSuccess(run('tar', ['-xzf', tarball, '-C', unpacked], scratch));
  packed = JSON.parse(readFileSync(path.join(unpacked, 'package', 'package.json'), 'utf8'));
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`npm pack (build included): ${packSeconds.toFixed(0)} s; ${files.size} files, ${kib(statSync(tarball).size)} packed, ${kib([...files.values()].reduce((a, b) => a + b, 0))} unpacked`);
}, 300_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the packed library', () => {
  test('ships compiled JavaScript and declarations, the bundled handlers, the approvals page and the README: no source map, no TypeScript source, no test', () => {
    // GIVEN the tarball / THEN every file is one a user needs
    const allowed = /^(package\.json|README\.md|dist\/lib\/.+\.(js|d\.ts)|dist\/bin\/cdk-sfn-workflows\.js|dist\/handlers\/[^/]+\/index\.js|web\/approvals\/[a-z-]+\.(html|js|css))$/;
    expect([...files.keys()].filter((file) => !allowed.test(file))).toEqual([]);
    expect([...files.keys()].filter((file) => file.endsWith('.js')).filter((file) => readFileSync(path.join(unpacked, 'package', file), 'utf8').includes('sourceMappingURL'))).toEqual([]);
    // and the handlers are there, each within its budget
    const handlers = [...files].filter(([file]) => file.startsWith('dist/handlers/'));
    expect(handlers.length).toBeGreaterThanOrEqual(2);
    expect(handlers.filter(([, bytes]) => bytes > MAX_HANDLER_BUNDLE_BYTES)).toEqual([]);
    // and the approvals page the local server and the ApprovalService's hosting serve
    expect(['index.html', 'app.js', 'app.css'].filter((file) => !files.has(`web/approvals/${file}`))).toEqual([]);
  });

  test('every file package.json points at is in the tarball: main, types, bin, exports and typesVersions', () => {
    // GIVEN the packed package.json
    const targets = [
      packed.main,
      packed.types,
      ...Object.values(packed.bin as Record<string, string>),
      ...Object.values(packed.exports as Record<string, string | Record<string, string>>).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
      ...Object.values(packed.typesVersions['*'] as Record<string, string[]>).flat(),
    ];
    // THEN each exists
    expect(targets.map((target) => path.posix.normalize(target)).filter((target) => !files.has(target))).toEqual([]);
  });

  test('runs nothing when a user installs it, and needs no dev tool at run time', () => {
    // GIVEN the packed package.json
    // THEN it has no lifecycle script that npm runs on install
    expect(INSTALL_SCRIPTS.filter((script) => packed.scripts?.[script] !== undefined)).toEqual([]);
    // and no dev tool among what it installs
    const installed = Object.keys({ ...packed.dependencies });
    expect(installed.filter((name) => ['esbuild', 'tsx', 'typescript', 'jest', 'aws-cdk'].includes(name))).toEqual([]);
  });

  test('every entry point has types under moduleResolution node (node10): a typesVersions entry per exports subpath', () => {
    // GIVEN the exports subpaths / THEN typesVersions maps each (node10 resolution ignores exports)
    const subpaths = Object.keys(packed.exports).filter((subpath) => subpath !== '.' && subpath !== './package.json').map((subpath) => subpath.slice(2));
    expect(subpaths.filter((subpath) => !packed.typesVersions?.['*']?.[subpath])).toEqual([]);
  });

  test('public declarations import only dependencies and required peer dependencies: no devDependency, no optional peer, no Node.js types', () => {
    // GIVEN the declarations reachable from each entry point's types
    const allowed = new Set([
      ...Object.keys(packed.dependencies ?? {}),
      ...Object.keys(packed.peerDependencies ?? {}).filter((name) => !packed.peerDependenciesMeta?.[name]?.optional),
    ]);
    const imported = new Map<string, string>();
    for (const entry of [packed.types, ...entryDeclarations(packed), ...Object.values(packed.typesVersions['*'] as Record<string, string[]>).flat()]) {
      expect(existsSync(path.join(unpacked, 'package', entry))).toBe(true);
      for (const [specifier, file] of declarationImports(path.join(unpacked, 'package', entry))) imported.set(specifier, file);
    }
    // THEN each package they import is one a user has
    expect(imported.size).toBeGreaterThan(0);
    const offenders = [...imported].filter(([specifier]) => !allowed.has(packageOf(specifier))).map(([specifier, file]) => `${specifier} (${path.relative(unpacked, file)})`);
    expect(offenders).toEqual([]);
  });
});

const install = installMode();
const freshApp = install.mode === 'unavailable' ? describe.skip : describe;

freshApp(`a fresh CDK app with the tarball installed${install.mode === 'unavailable' ? ` (SKIPPED: ${install.reason})` : ''}`, () => {
  const app = path.join(scratch, 'app');
  const typeChecks = new Map<string, Run>();
  let template: any;
  let greeting: Run;

  beforeAll(async () => {
    // GIVEN a CDK app that depends on aws-cdk-lib, constructs and the tarball, and on typescript to build
    mkdirSync(path.join(app, 'src'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'fresh-cdk-app',
      version: '0.0.0',
      private: true,
      dependencies: { ...FRESH_APP.dependencies, [packed.name]: `file:${tarball}` },
      devDependencies: FRESH_APP.devDependencies,
    }, null, 2));
    const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
    let started = Date.now();
    expectSuccess(run('npm', ['install', `--${install.mode}`, '--no-audit', '--no-fund'], app));
    const timings = [`npm install --${install.mode} ${seconds(started)}`];
    writeFreshAppSources(app, entryPoints(packed));
    // WHEN it is type-checked under each resolution (the node16 run also compiles it)
    started = Date.now();
    const checks = await Promise.all(RESOLUTIONS.map(({ name }) => runAsync(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`], app)));
    RESOLUTIONS.forEach(({ name }, index) => typeChecks.set(name, checks[index]));
    timings.push(`${RESOLUTIONS.length} type-checks in parallel ${seconds(started)}`);
    // and synthesized, and the local run is run, with node
    started = Date.now();
    if (typeChecks.get('node16')!.status === 0) {
      const cdkOut = path.join(app, 'cdk.out');
      expectSuccess(run(process.execPath, ['out/app.js'], app, { ...npmEnvironment(), CDK_OUTDIR: cdkOut }));
      template = JSON.parse(readFileSync(path.join(cdkOut, 'FreshApp.template.json'), 'utf8'));
      greeting = run(process.execPath, ['-e', "require('./out/local-run.js').runGreeting().then((r) => process.stdout.write(JSON.stringify(r)))"], app);
      timings.push(`synth and local run ${seconds(started)}`);
    }
    console.log(`fresh app: ${timings.join(', ')}`);
  }, 300_000);

  test('the install gets none of the optional packages: a construct-only install carries no diagram or request-signing stack', () => {
    // GIVEN the installed app / THEN no optional peer dependency was installed
    const optional = Object.keys(packed.peerDependenciesMeta ?? {}).filter((name) => packed.peerDependenciesMeta[name].optional);
    expect(optional.length).toBeGreaterThan(0);
    expect(optional.filter((name) => existsSync(path.join(app, 'node_modules', name)))).toEqual([]);
  });

  test.each(['node', 'node16', 'bundler'])('type-checks with skipLibCheck false under moduleResolution %s, every entry point imported', (resolution) => {
    // THEN tsc reports nothing
    const check = typeChecks.get(resolution)!;
    expect({ status: check.status, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });

  test('synthesizes with node: the saga, the approval and their state machine are in the template', () => {
    // THEN the template has the workflow's state machine with the saga's steps
    expect(template).toBeDefined();
    const machines = Object.values(template.Resources as Record<string, any>).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const definition = JSON.stringify(machines[0].Properties.DefinitionString);
    for (const state of ['ReserveInventory', 'ReleaseInventory', 'ChargePayment', 'RefundPayment', 'CreateShipment', 'ReviewOrder']) {
      expect(definition).toContain(state);
    }
    // and the approval service's functions, deployed from the pre-bundled handlers
    const functions = Object.values(template.Resources as Record<string, any>).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.filter((fn) => fn.Properties.Handler === 'index.handler' && fn.Properties.Code?.S3Key).length).toBeGreaterThanOrEqual(2);
  });

  test('runs a Pass-only workflow with LocalRunner.fromStack from cdk-sfn-workflows/testing', () => {
    // THEN the run succeeded through the Pass state
    expect({ status: greeting?.status, stderr: greeting?.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(greeting.stdout)).toEqual({ status: 'SUCCEEDED', path: ['Greet'], output: { greeting: 'Hello, CDK' } });
  });

  test('names the optional package to install when a feature needs one that is missing', () => {
    // GIVEN no Graphviz package / WHEN a diagram is drawn as SVG
    const drawn = run(process.execPath, ['-e', [
      "const { WorkflowDiagram } = require('cdk-sfn-workflows/diagram');",
      "WorkflowDiagram.fromDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }).toSvg()",
      '  .then(() => process.exit(3), (error) => { process.stderr.write(error.message); process.exit(2); });',
    ].join('\n')], app);
    // THEN it fails naming the package and how to install it
    expect(drawn.status).toBe(2);
    expect(drawn.stderr).toMatch(/@hpcc-js\/wasm-graphviz[\s\S]*npm install/);
  });
});

/** The resolutions the fresh app is checked under; node16 also emits the JavaScript that node runs. */
const RESOLUTIONS = [
  { name: 'node', compilerOptions: { module: 'commonjs', moduleResolution: 'node', noEmit: true } },
  { name: 'node16', compilerOptions: { module: 'node16', moduleResolution: 'node16', outDir: 'out' } },
  { name: 'bundler', compilerOptions: { module: 'preserve', moduleResolution: 'bundler', noEmit: true } },
];

/**
 * The fresh app's sources and a tsconfig per resolution: strict, `skipLibCheck: false`, no
 * `@types` package. `esnext.disposable` is in `lib` because aws-cdk-lib 2.276's own
 * declarations use the global `Disposable` (a `cdk init` app gets it from @types/node).
 */
function writeFreshAppSources(app: string, modules: string[]): void {
  for (const { name, compilerOptions } of RESOLUTIONS) {
    writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['es2022', 'esnext.disposable'],
        types: [],
        strict: true,
        noImplicitReturns: true,
        isolatedModules: true,
        declaration: true,
        skipLibCheck: false,
        rootDir: 'src',
        ...compilerOptions,
      },
      include: ['src'],
    }, null, 2));
  }
  writeFileSync(path.join(app, 'src', 'entry-points.ts'), [
    '// Every entry point the package exports, so that each resolution checks its declarations.',
    ...modules.map((module, index) => `import type * as entry${index} from '${module}';`),
    `export type EntryPoints = [${modules.map((_, index) => `typeof entry${index}`).join(', ')}];`,
    '',
  ].join('\n'));
  writeFileSync(path.join(app, 'src', 'app.ts'), APP_SOURCE);
  writeFileSync(path.join(app, 'src', 'local-run.ts'), LOCAL_RUN_SOURCE);
}

const APP_SOURCE = `import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ApprovalService, HumanApproval, LambdaStep, Saga, Workflow } from 'cdk-sfn-workflows';

const app = new App();
const stack = new Stack(app, 'FreshApp');

function step(id: string, resultPath: string): LambdaStep {
  const fn = new lambda.Function(stack, id + 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (event) => ({ ok: true, event });'),
  });
  return new LambdaStep(stack, id, { lambdaFunction: fn, timeout: Duration.seconds(15), resultPath });
}

const reviewer = new iam.Role(stack, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
const approvals = new ApprovalService(stack, 'Approvals');
const review = new HumanApproval(stack, 'ReviewOrder', {
  service: approvals,
  approvers: [reviewer],
  timeout: Duration.days(2),
  summary: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') }),
  resultPath: '$.review',
});

const saga = new Saga(stack, 'OrderSaga', {
  steps: [
    { action: step('ReserveInventory', '$.reservation'), compensation: step('ReleaseInventory', '$.release') },
    { action: review },
    { action: step('ChargePayment', '$.charge'), compensation: step('RefundPayment', '$.refund') },
    { action: step('CreateShipment', '$.shipment') },
  ],
});

new Workflow(stack, 'OrderWorkflow', {
  definition: sfn.Chain.start(saga).next(new sfn.Succeed(stack, 'OrderCompleted')),
  timeout: Duration.days(3),
});

app.synth();
`;

const LOCAL_RUN_SOURCE = `import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Workflow } from 'cdk-sfn-workflows';
import { LocalRunner } from 'cdk-sfn-workflows/testing';

/** Runs a Pass-only workflow on the local runner and returns what the test checks. */
export async function runGreeting(): Promise<{ status: string; path: string[]; output: unknown }> {
  const stack = new Stack(new App(), 'PassOnly');
  new Workflow(stack, 'Greeting', {
    definition: new sfn.Pass(stack, 'Greet', { parameters: { 'greeting.$': "States.Format('Hello, {}', $.name)" } }),
    timeout: Duration.minutes(1),
  });
  const result = await LocalRunner.fromStack(stack).stateMachine('Greeting').run({ name: 'CDK' });
  return { status: result.status, path: result.path, output: result.output };
}
`;
