import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { coldLoad } from '../bin/bench-handlers';
import { bundleHandlers, HandlerBundle, MAX_HANDLER_BUNDLE_BYTES } from '../bin/bundle-handlers';
import { JsonLogger } from '../lambda/approval/logger';
import { LIBRARY_HANDLERS } from '../lib/approval/handler-assets';

/**
 * The library's own Lambda handlers as they are shipped (bin/bundle-handlers.ts, the build that
 * writes dist/handlers): small, minified, no source map, and the AWS SDK v3 left to the Lambda
 * runtime. Built here into a scratch directory outside the repository, so that nothing resolves
 * from a node_modules beside the bundle (as in the function's /var/task).
 */

/** Text only a bundled copy of the AWS SDK v3 carries: its user agent, the @smithy packages, its header names. */
const SDK_FINGERPRINT = /aws-sdk-js|smithy|x-amz-user-agent/i;

const REPO_NODE_MODULES = path.join(__dirname, '..', 'node_modules');

let scratch: string;
let shipped: HandlerBundle[];
let sdkBundled: HandlerBundle[];

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'handler-bundles-'));
  shipped = bundleHandlers({ outDir: path.join(scratch, 'shipped') });
  sdkBundled = bundleHandlers({ outDir: path.join(scratch, 'sdk-bundled'), includeRuntimeModules: true });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const text = (bundle: HandlerBundle) => readFileSync(bundle.file, 'utf8');
const requiredModules = (bundle: HandlerBundle) => [...new Set([...text(bundle).matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))];

describe('library handler bundles', () => {
  test('every library handler is bundled', () => {
    // GIVEN the handlers the library deploys / WHEN bundled
    // THEN there is one bundle each
    expect(shipped.map((bundle) => bundle.name).sort()).toEqual(Object.keys(LIBRARY_HANDLERS).sort());
  });

  test('each bundle is at most 20 KiB, minified, and ships alone: no source map beside it or inside it', () => {
    // GIVEN the shipped bundles / THEN each fits the budget
    expect(shipped.filter((bundle) => bundle.bytes > MAX_HANDLER_BUNDLE_BYTES).map((bundle) => `${bundle.name}: ${bundle.bytes} bytes`)).toEqual([]);
    for (const bundle of shipped) {
      const code = text(bundle);
      // and each is minified (esbuild writes a few long lines)
      expect(code.split('\n').length).toBeLessThanOrEqual(3);
      // and has no map, neither a file nor an inline one
      expect(readdirSync(path.dirname(bundle.file))).toEqual(['index.js']);
      expect(code).not.toContain('sourceMappingURL');
    }
  });

  test('each bundle holds no copy of the AWS SDK: it requires the @aws-sdk modules the Lambda runtime provides', () => {
    for (const bundle of shipped) {
      // GIVEN a shipped bundle
      // THEN only the handler sources went into it
      expect(bundle.inputs.filter((input) => !/^(lambda|lib)\//.test(input))).toEqual([]);
      // and it loads the SDK, and nothing else, at run time
      expect(requiredModules(bundle).filter((name) => !/^(@aws-sdk\/|node:)/.test(name))).toEqual([]);
      expect(requiredModules(bundle).some((name) => name.startsWith('@aws-sdk/'))).toBe(true);
      // and carries none of the SDK's own code
      expect(text(bundle)).not.toMatch(SDK_FINGERPRINT);
    }
  });

  test('the SDK check recognises a bundle with the SDK inside (as the handlers were built before)', () => {
    for (const bundle of sdkBundled) {
      // GIVEN a handler built with the SDK bundled in
      // THEN each check above would fail on it
      expect(bundle.bytes).toBeGreaterThan(MAX_HANDLER_BUNDLE_BYTES);
      expect(bundle.inputs.some((input) => input.includes('node_modules/@aws-sdk/'))).toBe(true);
      expect(text(bundle)).toMatch(SDK_FINGERPRINT);
    }
  });

  test('each bundle loads as the Lambda runtime loads it, the SDK resolved through NODE_PATH, and exports its handler', () => {
    for (const bundle of shipped) {
      // GIVEN a bundle alone in its directory, and the SDK where NODE_PATH points (the runtime's /var/runtime/node_modules)
      // WHEN a fresh node process requires it
      const loaded = coldLoad(bundle.file, REPO_NODE_MODULES);
      // THEN index.handler is there
      expect(loaded.exports).toContain('handler');
    }
  });

  test('fails to load without a runtime-provided SDK: the SDK really is external', () => {
    // GIVEN a bundle and no SDK anywhere it can resolve from
    const bundle = shipped[0];
    expect(existsSync(path.join(path.dirname(bundle.file), 'node_modules'))).toBe(false);
    // WHEN it is required / THEN the @aws-sdk module is missing
    expect(() => coldLoad(bundle.file, '')).toThrow(/Cannot find module '@aws-sdk\//);
  });
});

describe('approval handler logger', () => {
  const environment = { ...process.env };
  afterEach(() => {
    process.env = { ...environment };
  });

  function capture(configure: () => void = () => undefined): { logger: JsonLogger; lines: () => Array<Record<string, unknown>> } {
    configure();
    const written: string[] = [];
    return { logger: new JsonLogger('approvals', (line) => written.push(line)), lines: () => written.map((line) => JSON.parse(line)) };
  }

  test('writes one JSON object per line with the keys Powertools writes, then the attributes', () => {
    // GIVEN a logger in an invocation traced by X-Ray
    const { logger, lines } = capture(() => {
      process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    });
    // WHEN it logs with attributes, an error among them
    logger.error('Approval request not announced', { approvalId: 'a1', error: new RangeError('too big') });
    // THEN the line is one JSON object
    expect(lines()).toEqual([
      {
        level: 'ERROR',
        message: 'Approval request not announced',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        service: 'approvals',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        approvalId: 'a1',
        error: { name: 'RangeError', message: 'too big', stack: expect.stringContaining('RangeError: too big') },
      },
    ]);
  });

  test("follows Lambda's log level (AWS_LAMBDA_LOG_LEVEL), INFO by default", () => {
    // GIVEN a logger at the default level and one at WARN
    const byDefault = capture(() => {
      delete process.env.AWS_LAMBDA_LOG_LEVEL;
      delete process.env.POWERTOOLS_LOG_LEVEL;
      delete process.env.LOG_LEVEL;
    });
    // WHEN each logs at every level
    for (const level of ['debug', 'info', 'warn', 'error'] as const) byDefault.logger[level](level);
    process.env.AWS_LAMBDA_LOG_LEVEL = 'WARN';
    const warn = capture();
    for (const level of ['debug', 'info', 'warn', 'error'] as const) warn.logger[level](level);
    // THEN DEBUG is dropped by default, and DEBUG and INFO at WARN
    expect(byDefault.lines().map((line) => line.level)).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(warn.lines().map((line) => line.level)).toEqual(['WARN', 'ERROR']);
  });
});
