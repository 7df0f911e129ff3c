import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as fc from 'fast-check';
import { lintTargets } from '../lib/cli/lint-command';
import { costReport } from '../lib/cost/cost-report';
import { cli } from './support/cli';

/**
 * `lint` and `cost` on input that is not a well-formed state machine: each becomes a finding
 * that says what and where, with exit code 1, and never JavaScript error text.
 */

/** Text that only a JavaScript exception would print. */
const JAVASCRIPT_ERROR = /TypeError|RangeError|SyntaxError|Cannot (read|convert|create|set)|Maximum call stack|is not a function|is not iterable|weak map key|'undefined'|\[object Object\]/;

const scratch = mkdtempSync(path.join(tmpdir(), 'lint-malformed-'));
let counter = 0;

/** Writes bytes (or text) to a new file and returns its path. */
function file(content: string | Uint8Array): string {
  const name = path.join(scratch, `input-${counter++}.json`);
  writeFileSync(name, content);
  return name;
}

/** `depth` Parallel states, each the only state of its parent's branch; the innermost branch holds `inner`. */
function nestedParallels(depth: number, inner: Record<string, unknown>): string {
  let text = JSON.stringify({ StartAt: 'Inner', States: { Inner: inner } });
  for (let level = depth; level >= 1; level--) {
    text = `{"StartAt":"P${level}","States":{"P${level}":{"Type":"Parallel","End":true,"Branches":[${text}]}}}`;
  }
  return text;
}

describe('lint: malformed input becomes a finding with a location', () => {
  test.each([
    ['a JSON array', '[]', 'at /: SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not an array.'],
    ['null', 'null', 'at /: SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not null.'],
    ['a JSON string', '"StartAt"', 'at /: SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not a string.'],
    ['a number', '42', 'at /: SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not a number.'],
    ['"States": null', '{"StartAt":"A","States":null}', 'at /States: SCHEMA_VALIDATION_FAILED: States is required and must be a JSON object, not null.'],
    ['a state that is null', '{"StartAt":"A","States":{"A":null}}', 'Workflow-AslSchema [A] at /States/A: SCHEMA_VALIDATION_FAILED: A state must be a JSON object, not null.'],
    ['Branches that is not an array', '{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":"x","End":true}}}', 'Workflow-AslSchema [P] at /States/P/Branches: SCHEMA_VALIDATION_FAILED: Branches must be an array'],
  ])('GIVEN %s WHEN linted THEN the schema check reports it and lint exits 1', async (_what, text, expected) => {
    // GIVEN
    const input = file(text);

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN
    expect(code).toBe(1);
    expect(output).toContain(`error   Workflow-AslSchema`);
    expect(output).toContain(expected);
    expect(output).not.toMatch(JAVASCRIPT_ERROR);
  });

  test.each([
    ['bytes that are not UTF-8', Buffer.from('{"StartAt":"A","Comment":"caf\xe9","States":{}}', 'latin1'), 'at line 1, column 30: Byte 0xE9 (offset 29) is not valid UTF-8: Step Functions reads a definition as UTF-8 text. Save the file as UTF-8.'],
    ['truncated JSON', '{"StartAt":"A","States":{"A":{"Type":"Pa', 'at line 1, column 41: The file is not valid JSON: the file ends before the JSON value does (is it truncated?).'],
    ['JSON broken on line 4', '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "End": true,}\n  }\n}\n', 'at line 4, column 39: The file is not valid JSON: '],
    ['an empty file', '  \n', 'at line 1, column 1: The file is empty: a definition is one JSON object.'],
    ['YAML', 'StartAt: A\nStates: {}\n', 'at line 1, column 1: The file is not valid JSON: '],
  ])('GIVEN %s WHEN linted THEN Workflow-DefinitionJson says where and lint exits 1', async (_what, content, expected) => {
    // GIVEN
    const input = file(content);

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN
    expect(code).toBe(1);
    expect(output).toContain(`error   Workflow-DefinitionJson ${expected}`);
    expect(output).toMatch(/1 state machine: 1 error, 0 warnings$/);
    expect(output).not.toMatch(JAVASCRIPT_ERROR);
  });

  test('GIVEN a definition that is not an object WHEN its schema finding is ignored THEN it is still reported: nothing was checked', async () => {
    const { code, output } = await cli('lint', file('null'), '--ignore', 'Workflow-AslSchema');
    expect(code).toBe(1);
    expect(output).toContain('Workflow-AslSchema at /: SCHEMA_VALIDATION_FAILED: The definition must be a JSON object with StartAt and States, not null.');
  });

  test('GIVEN a UTF-8 file with a byte order mark WHEN linted THEN it is read like any UTF-8 file', async () => {
    const input = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"StartAt":"Café ☕","States":{"Café ☕":{"Type":"Succeed"}}}')]));
    const { code, output } = await cli('lint', input);
    expect(output).toContain('no findings');
    expect(code).toBe(0);
  });

  test('GIVEN Parallel states nested 10,000 deep with a broken transition at the bottom WHEN linted THEN the transition is found, with no stack overflow', async () => {
    // GIVEN
    const input = file(nestedParallels(10_000, { Type: 'Pass', Next: 'Missing' }));

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN
    expect(code).toBe(1);
    expect(output).toContain("error   Workflow-TransitionTarget [Inner]: State 'Inner' (inside 'P1' > 'P2' > … (9,996 more) … > 'P9999' > 'P10000') transitions to 'Missing'");
    expect(output).toContain(
      'error   Workflow-AslSchema [P10000] at /States/P1/Branches/0/States/P2/Branches/0/…(39,984 more)…/States/P9999/Branches/0/States/P10000/Branches/0: MISSING_END_STATE: Workflow has no terminal state',
    );
    expect(output).not.toMatch(JAVASCRIPT_ERROR);
  });

  test('GIVEN Parallel states nested 10,000 deep and nothing wrong WHEN linted THEN there is no error', async () => {
    const { code, output } = await cli('lint', file(nestedParallels(10_000, { Type: 'Succeed' })));
    expect(output).toMatch(/1 state machine: 0 errors, \d+ warnings?$/);
    expect(code).toBe(0);
  });

  test.each(['Result', 'Parameters'])('GIVEN a Pass %s nested 100,000 arrays deep WHEN linted THEN it is checked without a stack overflow', async (field) => {
    // GIVEN
    const depth = 100_000;
    const input = file(`{"StartAt":"Deep","States":{"Deep":{"Type":"Pass","${field}":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}},"Next":"Nowhere"}}}`);

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN the one real problem is reported, and nothing else breaks
    expect(output).toContain("error   Workflow-TransitionTarget [Deep]: State 'Deep' transitions to 'Nowhere'");
    expect(code).toBe(1);
    expect(output).not.toMatch(JAVASCRIPT_ERROR);
  });

  test('GIVEN a file larger than lint reads WHEN linted THEN it is refused by its size, unread', async () => {
    // GIVEN 17 MiB of JSON
    const input = file(`{"Comment":"${'x'.repeat(17 * 1024 * 1024)}"}`);

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN
    expect(code).toBe(1);
    expect(output).toMatch(/error {3}Workflow-DefinitionSize at the whole file: The file is 17,825,806 bytes; Step Functions accepts definitions of at most 1,048,576 bytes, and lint does not read files over 16,777,216\./);
  });

  test('GIVEN a 30,000-state definition over 1 MB WHEN linted THEN the size is the error and the long chain causes no overflow', async () => {
    // GIVEN
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 30_000; i++) states[`Step ${i}`] = { Type: 'Pass', Next: `Step ${i + 1}` };
    states['Step 30000'] = { Type: 'Succeed' };
    const input = file(JSON.stringify({ StartAt: 'Step 0', States: states }));

    // WHEN
    const { code, output } = await cli('lint', input);

    // THEN
    expect(code).toBe(1);
    expect(output).toMatch(/error {3}Workflow-DefinitionSize: The definition is 1,?\d{3},?\d{3} bytes; Step Functions accepts at most 1048576/);
    expect(output).toMatch(/1 state machine: 1 error, 0 warnings$/);
  });
});

describe('lint and cost on a cloud assembly with malformed definitions', () => {
  let assembly: string;

  beforeAll(() => {
    assembly = mkdtempSync(path.join(tmpdir(), 'assembly-malformed-'));
    const app = new App({ outdir: assembly });
    new sfn.StateMachine(new Stack(app, 'Broken'), 'NotJson', { definitionBody: sfn.DefinitionBody.fromString('{"StartAt": "A", "States": {') });
    const odd = new Stack(app, 'Odd');
    new sfn.StateMachine(odd, 'NullStates', { definitionBody: sfn.DefinitionBody.fromString('{"StartAt": "A", "States": null}') });
    new sfn.StateMachine(odd, 'Named', { definitionBody: sfn.DefinitionBody.fromString(JSON.stringify({ StartAt: 'Iterator', States: { Iterator: { Type: 'Pass', Next: 'States' }, States: { Type: 'Succeed' } } })) });
    app.synth();
  });

  test('GIVEN a stack whose definition is not JSON and one whose States is null WHEN linted THEN each is a finding and the valid one is still checked', async () => {
    // WHEN
    const { code, output } = await cli('lint', assembly);

    // THEN
    expect(code).toBe(1);
    expect(output).toMatch(/Broken\n {2}error {3}Workflow-DefinitionJson at the stack template: The definition of Broken\/NotJson\w+ is not valid JSON after flattening its tokens: .* Its state machines were not checked\./);
    expect(output).toContain('Odd/NullStates (STANDARD)\n  error   Workflow-AslSchema at /States: SCHEMA_VALIDATION_FAILED: States is required and must be a JSON object, not null.');
    expect(output).toContain('Odd/Named (STANDARD)\n  no findings');
    expect(output).toMatch(/3 state machines: 2 errors, 0 warnings$/);
  });

  test('GIVEN a definition that cannot be priced WHEN costed THEN the row says so instead of a price', () => {
    // GIVEN / WHEN
    const report = costReport({ StartAt: 'A', States: null } as never);

    // THEN
    expect(report.notPriced).toBe('the definition has no States object');
  });

  test('GIVEN the assembly with a stack that is not JSON WHEN costed THEN the CLI names the stack, not a JavaScript error', async () => {
    const { code, output } = await cli('cost', assembly);
    expect(code).toBe(1);
    expect(output).toMatch(/^error: The definition of Broken\/NotJson\w+ is not valid JSON after flattening its tokens/);
  });
});

describe('lint and cost never throw, whatever part of a definition is replaced', () => {
  const fixtures = readdirSync(path.join(__dirname, 'fixtures', 'asl'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.asl.json'))
    .map((name) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'asl', name), 'utf8')));

  /** Every path to a value inside a JSON value (the root included), without recursion. */
  function pathsOf(root: unknown): string[][] {
    const paths: string[][] = [];
    const pending: Array<{ value: unknown; at: string[] }> = [{ value: root, at: [] }];
    for (let next = pending.pop(); next; next = pending.pop()) {
      paths.push(next.at);
      if (typeof next.value === 'object' && next.value !== null) {
        for (const [key, child] of Object.entries(next.value)) pending.push({ value: child, at: [...next.at, key] });
      }
    }
    return paths;
  }

  const own = (holder: object, key: string) => Object.getOwnPropertyDescriptor(holder, key)?.value;
  const set = (holder: object, key: string, value: unknown) => Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });

  /** The value with the thing at `at` replaced (or its key renamed); own properties only, so `__proto__` is a key like any other. */
  function mutate(value: unknown, at: string[], replacement: unknown, renameTo?: string): unknown {
    if (at.length === 0) return replacement;
    const copy = JSON.parse(JSON.stringify(value)) as object;
    let holder = copy;
    for (const key of at.slice(0, -1)) holder = own(holder, key);
    const last = at[at.length - 1];
    if (renameTo !== undefined && !Array.isArray(holder)) {
      const moved = own(holder, last);
      delete (holder as Record<string, unknown>)[last];
      set(holder, renameTo, moved);
    } else {
      set(holder, last, replacement);
    }
    return copy;
  }

  const awkwardKeys = fc.constantFrom('__proto__', 'constructor', 'States', 'Iterator', 'ItemProcessor', 'Branches', 'Next', 'StartAt', '${Name}', 'Ünïcödé ☕', '');

  test('GIVEN a fixture with any part replaced by any JSON (or renamed) WHEN linted and costed THEN nothing throws and every finding is well formed', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 3 }),
        fc.option(awkwardKeys, { nil: undefined }),
        fc.constantFrom('STANDARD', 'EXPRESS', undefined),
        (fixture, pick, replacement, renameTo, type) => {
          // GIVEN
          const paths = pathsOf(fixtures[fixture]);
          const definition = mutate(fixtures[fixture], paths[pick % paths.length], replacement, renameTo);

          // WHEN
          const [result] = lintTargets([{ source: 'mutated', context: { definition: definition as never, stateMachineType: type }, acknowledged: new Set() }]);
          const report = costReport(definition as never);

          // THEN
          for (const finding of result.findings) {
            expect(typeof finding.ruleId).toBe('string');
            expect(['error', 'warning']).toContain(finding.severity);
            expect(finding.message).not.toMatch(JAVASCRIPT_ERROR);
            expect(finding.see).toMatch(/^https:\/\//);
          }
          expect(report.transitions.shortest).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
