import * as fs from 'fs';
import * as path from 'path';
import {
  assertValidDefinition,
  InvalidDefinitionError,
  validateDefinition,
  ValidateDefinitionOptions,
  ValidationDiagnostic,
} from '../lib/testing/engine/validate';

const LAMBDA = 'arn:aws:lambda:us-east-1:111111111111:function:fn';
const AWS_TRUTH = path.resolve(__dirname, '../../shared/aws-truth/cases.json');
const FIXTURES = path.join(__dirname, 'fixtures', 'asl');

type States = Record<string, unknown>;

/** A machine starting at its first state. */
function machine(states: States, topLevel: Record<string, unknown> = {}): Record<string, unknown> {
  return { StartAt: Object.keys(states)[0], States: states, ...topLevel };
}

function errorsOf(definition: unknown, options?: ValidateDefinitionOptions): ValidationDiagnostic[] {
  return validateDefinition(definition, options).filter((d) => d.severity === 'ERROR');
}

/** THEN helper: the definition has this diagnostic (severity, code and location all checked). */
function expectDiagnostic(
  definition: unknown,
  expected: { severity?: 'ERROR' | 'WARNING'; code: string; location?: string },
  options?: ValidateDefinitionOptions,
): void {
  const diagnostics = validateDefinition(definition, options);
  const shape = { severity: expected.severity ?? 'ERROR', code: expected.code, message: expect.any(String) };
  expect(diagnostics).toContainEqual(expected.location === undefined ? shape : { ...shape, location: expected.location });
}

/** A state that ends, unless `extra` gives it Next (or End itself). */
function ending(state: Record<string, unknown>): Record<string, unknown> {
  return 'Next' in state || 'End' in state ? state : { ...state, End: true };
}
const task = (extra: Record<string, unknown> = {}) => ending({ Type: 'Task', Resource: LAMBDA, ...extra });
const pass = (extra: Record<string, unknown> = {}) => ending({ Type: 'Pass', ...extra });
const choice = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ Type: 'Choice', Choices: choices, Default: 'Done', ...extra });
const done = { Type: 'Succeed' };

/** `depth` Parallel states, each the only state of its enclosing branch, built without recursion. */
function nestedParallels(depth: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { StartAt: 'Leaf', States: { Leaf: { Type: 'Succeed' } } };
  for (let level = depth; level >= 1; level--) {
    inner = { StartAt: `P${level}`, States: { [`P${level}`]: { Type: 'Parallel', Branches: [inner], End: true } } };
  }
  return inner;
}

describe('validateDefinition', () => {
  describe('definitions Step Functions accepts', () => {
    const awsTruthPresent = fs.existsSync(AWS_TRUTH);
    const awsTruthTest = awsTruthPresent ? test : test.skip;

    awsTruthTest(
      awsTruthPresent
        ? 'reports no error for any definition that ran in real AWS (../shared/aws-truth/cases.json)'
        : `SKIPPED: ${AWS_TRUTH} not found (it lies in the shared folder next to the clone)`,
      () => {
        // GIVEN
        const { cases } = JSON.parse(fs.readFileSync(AWS_TRUTH, 'utf8')) as { cases: Array<{ id: string; definition: unknown }> };
        // WHEN
        const failures = cases
          .map(({ id, definition }) => ({ id, errors: errorsOf(definition) }))
          .filter(({ errors }) => errors.length > 0);
        // THEN
        expect(cases.length).toBeGreaterThan(1000);
        expect(failures).toEqual([]);
      },
    );

    const fixtureFiles = fs.readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));

    test('has the real-world fixtures to check', () => {
      expect(fixtureFiles.length).toBeGreaterThanOrEqual(10);
    });

    test.each(fixtureFiles)('reports no error for the real-world fixture %s', (file) => {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      expect(errorsOf(text)).toEqual([]);
    });

    test('reports no error for the EXPRESS fixture validated as EXPRESS', () => {
      const text = fs.readFileSync(path.join(FIXTURES, 'express-lambda-retry.asl.json'), 'utf8');
      expect(errorsOf(text, { stateMachineType: 'EXPRESS' })).toEqual([]);
    });

    test('reports nothing at all for the baseline definitions the failing cases below start from', () => {
      const baselines = [
        machine({ T: task({ TimeoutSeconds: 10, HeartbeatSeconds: 5, Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], Next: 'Done' }), Done: done }),
        machine({ C: choice([{ Variable: '$.x', NumericEquals: 1, Next: 'Done' }]), Done: done }),
        machine({ W: { Type: 'Wait', Seconds: 0, End: true } }),
        machine({ F: { Type: 'Fail', Error: 'Oops', Cause: 'because' } }),
        machine({ M: { Type: 'Map', ItemProcessor: machine({ In: pass() }), Label: 'Label1', MaxConcurrency: 0, End: true } }),
        machine({ P: { Type: 'Parallel', Branches: [machine({ B: pass() })], End: true } }),
        machine({ A: pass({ Assign: { 'x.$': '$.y', z: 1 }, Parameters: { 'a.$': '$.b', c: 'd' }, ResultPath: '$.r' }) }),
        machine({ A: { Type: 'Pass', Output: '{% $states.input %}', Assign: { x: '{% 1 %}' }, End: true } }, { QueryLanguage: 'JSONata' }),
      ];
      for (const baseline of baselines) expect(validateDefinition(JSON.parse(JSON.stringify(baseline)))).toEqual([]);
    });

    test('never reports a ${...} placeholder (DefinitionSubstitutions)', () => {
      const definition = machine({
        T: {
          Type: 'Task',
          Resource: 'arn:${AWS::Partition}:states:::batch:submitJob.sync',
          TimeoutSeconds: '${Timeout}',
          Parameters: { JobQueue: '${JobQueueArn}' },
          Next: '${NextState}',
        },
        L: { Type: 'Task', Resource: '${FunctionArn}', End: true },
        Done: done,
      });
      expect(errorsOf(definition)).toEqual([]);
    });

    test('accepts a reference path with a filter (the guides disagree: CONFLICT in the facts file)', () => {
      expect(errorsOf(machine({ A: pass({ ResultPath: '$.jar[?(@.a >= 5)]' }) }))).toEqual([]);
    });

    test('treats a field holding undefined as absent, as JSON does', () => {
      const definition = machine({ A: { Type: 'Pass', Next: 'B', End: undefined, Retry: undefined }, B: task({ TimeoutSeconds: 5, TimeoutSecondsPath: undefined }) });
      expect(errorsOf(definition)).toEqual([]);
    });

    test('accepts "$.[0]", which AWS accepts', () => {
      expect(errorsOf(machine({ A: pass({ Parameters: { 'first.$': '$.[0]' } }) }))).toEqual([]);
    });
  });

  describe('errors, by code', () => {
    test('fails when the text is not JSON (INVALID_JSON_DESCRIPTION)', () => {
      expect(validateDefinition('{"StartAt": ')).toEqual([expect.objectContaining({ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' })]);
    });

    test.each([[''], ['   '], [null], [undefined]])('fails when the definition is empty: %p (MISSING_DESCRIPTION)', (definition) => {
      expect(validateDefinition(definition)).toEqual([{ severity: 'ERROR', code: 'MISSING_DESCRIPTION', message: expect.any(String) }]);
    });

    test('fails when a Task Resource is not an ARN (INVALID_RESOURCE)', () => {
      expectDiagnostic(machine({ T: task({ Resource: 'my-function' }) }), { code: 'INVALID_RESOURCE', location: '/States/T/Resource' });
    });

    test('fails when no state ends the workflow (MISSING_END_STATE)', () => {
      const loop = machine({ A: pass({ Next: 'B' }), B: pass({ Next: 'A' }) });
      expect(errorsOf(JSON.parse(JSON.stringify(loop)))).toEqual([expect.objectContaining({ code: 'MISSING_END_STATE' })]);
      expect(errorsOf(JSON.parse(JSON.stringify(loop)))[0].location).toBeUndefined();
    });

    test('fails when a Parallel branch has no terminal state (MISSING_END_STATE)', () => {
      const branch = JSON.parse(JSON.stringify(machine({ A: pass({ Next: 'A' }) })));
      expectDiagnostic(machine({ P: { Type: 'Parallel', Branches: [branch], End: true } }), { code: 'MISSING_END_STATE', location: '/States/P/Branches/0' });
    });

    test('fails when a state name is used twice, even in another scope (DUPLICATE_STATE_NAME)', () => {
      const definition = machine({ A: { Type: 'Parallel', Branches: [machine({ A: pass() })], End: true } });
      expectDiagnostic(definition, { code: 'DUPLICATE_STATE_NAME', location: '/States/A/Branches/0/States/A' });
    });

    test('fails when a state name is longer than 80 characters (INVALID_STATE_NAME)', () => {
      const long = 'x'.repeat(81);
      expectDiagnostic(machine({ [long]: pass() }), { code: 'INVALID_STATE_NAME', location: `/States/${long}` });
      expect(errorsOf(machine({ ['x'.repeat(80)]: pass() }))).toEqual([]);
    });

    test.each([
      ['Next', machine({ A: pass({ Next: 'Nowhere' }) }), '/States/A/Next'],
      ['StartAt', { StartAt: 'Nowhere', States: { A: pass() } }, '/StartAt'],
      ['Default', machine({ C: choice([{ Variable: '$.x', IsNull: true, Next: 'Done' }], { Default: 'Nowhere' }), Done: done }), '/States/C/Default'],
      ['a Choice rule', machine({ C: choice([{ Variable: '$.x', IsNull: true, Next: 'Nowhere' }]), Done: done }), '/States/C/Choices/0/Next'],
      ['a catcher', machine({ T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Nowhere' }] }) }), '/States/T/Catch/0/Next'],
      [
        'a branch, to a state outside the branch',
        machine({ P: { Type: 'Parallel', Branches: [machine({ B: pass({ Next: 'Done' }) })], Next: 'Done' }, Done: done }),
        '/States/P/Branches/0/States/B/Next',
      ],
    ])('fails when %s names no state of its scope (MISSING_TRANSITION_TARGET)', (_what, definition, location) => {
      expectDiagnostic(JSON.parse(JSON.stringify(definition)), { code: 'MISSING_TRANSITION_TARGET', location });
    });

    test('fails when Parallel states nest deeper than maxNestingDepth (TOO_DEEPLY_NESTED)', () => {
      const diagnostics = validateDefinition(nestedParallels(5), { maxNestingDepth: 3 });
      expect(diagnostics).toEqual([
        expect.objectContaining({
          severity: 'ERROR',
          code: 'TOO_DEEPLY_NESTED',
          location: '/States/P1/Branches/0/States/P2/Branches/0/States/P3/Branches/0/States/P4/Branches/0',
        }),
      ]);
      expect(validateDefinition(nestedParallels(3), { maxNestingDepth: 3 })).toEqual([]);
    });

    test('fails when two Map states share a Label (DUPLICATE_LABEL_NAME)', () => {
      const map = (next: Record<string, unknown>) => ({ Type: 'Map', Label: 'Batch', ItemProcessor: machine({ [`In${Object.keys(next)[0]}`]: pass() }), ...next });
      const definition = machine({ M1: map({ Next: 'M2' }), M2: map({ End: true }) });
      expectDiagnostic(definition, { code: 'DUPLICATE_LABEL_NAME', location: '/States/M2/Label' });
    });

    describe('SCHEMA_VALIDATION_FAILED', () => {
      test.each([
        ['the definition is an array', [], undefined],
        ['the definition has an unknown top-level field', { ...machine({ A: pass() }), Foo: 1 }, undefined],
        ['States is null', { StartAt: 'A', States: null }, '/States'],
        ['StartAt is missing', { States: { A: pass() } }, '/StartAt'],
        ['QueryLanguage is not a known language', machine({ A: pass() }, { QueryLanguage: 'JSONPATH' }), '/QueryLanguage'],
        ['a state is not an object', machine({ A: 'Pass' }), '/States/A'],
        ['the Type is unknown', machine({ A: { Type: 'Sleep', End: true } }), '/States/A/Type'],
        ['a field is not supported by the state type (Retry on Pass)', machine({ A: pass({ Retry: [] }) }), '/States/A'],
        ['a Choice state has End', machine({ C: choice([{ Variable: '$.x', IsNull: true, Next: 'Done' }], { End: true }), Done: done }), '/States/C'],
        ['a Choice state has no rules', machine({ C: choice([]), Done: done }), '/States/C/Choices'],
        ['a state has both Next and End', machine({ A: pass({ Next: 'B', End: true }), B: pass() }), '/States/A'],
        ['a state has neither Next nor End', machine({ A: { Type: 'Pass' }, B: pass() }), '/States/A'],
        ['End is not a boolean', machine({ A: pass({ End: 'true' }) }), '/States/A/End'],
        ['a Task has no Resource', machine({ T: { Type: 'Task', End: true } }), '/States/T'],
        ['a Wait has no duration', machine({ W: { Type: 'Wait', End: true } }), '/States/W'],
        ['a Wait has two durations', machine({ W: { Type: 'Wait', Seconds: 1, TimestampPath: '$.t', End: true } }), '/States/W'],
        ['Wait Seconds is negative', machine({ W: { Type: 'Wait', Seconds: -1, End: true } }), '/States/W/Seconds'],
        ['a Parallel has no Branches', machine({ P: { Type: 'Parallel', End: true } }), '/States/P'],
        ['a Map has no ItemProcessor or Iterator', machine({ M: { Type: 'Map', End: true } }), '/States/M'],
        ['TimeoutSeconds is zero', machine({ T: task({ TimeoutSeconds: 0 }) }), '/States/T/TimeoutSeconds'],
        ['HeartbeatSeconds is not an integer', machine({ T: task({ HeartbeatSeconds: 1.5 }) }), '/States/T/HeartbeatSeconds'],
        ['TimeoutSeconds and TimeoutSecondsPath are both set', machine({ T: task({ TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }) }), '/States/T/TimeoutSeconds'],
        ['HeartbeatSeconds is not below TimeoutSeconds', machine({ T: task({ TimeoutSeconds: 5, HeartbeatSeconds: 5 }) }), '/States/T/HeartbeatSeconds'],
        ['Fail has both Error and ErrorPath', machine({ F: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' } }), '/States/F/Error'],
        ['Fail has both Cause and CausePath', machine({ F: { Type: 'Fail', Cause: 'C', CausePath: '$.c' } }), '/States/F/Cause'],
        ['Fail ErrorPath is not a reference path', machine({ F: { Type: 'Fail', ErrorPath: '$.errors[*]' } }), '/States/F/ErrorPath'],
        ['Retry has an empty ErrorEquals', machine({ T: task({ Retry: [{ ErrorEquals: [] }] }) }), '/States/T/Retry/0/ErrorEquals'],
        ['States.ALL is not alone', machine({ T: task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] }) }), '/States/T/Retry/0/ErrorEquals'],
        ['States.ALL is not in the last retrier', machine({ T: task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] }) }), '/States/T/Retry/0/ErrorEquals'],
        ['MaxAttempts is negative', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }] }) }), '/States/T/Retry/0/MaxAttempts'],
        ['BackoffRate is below 1', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] }) }), '/States/T/Retry/0/BackoffRate'],
        ['IntervalSeconds is zero', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 0 }] }) }), '/States/T/Retry/0/IntervalSeconds'],
        ['MaxDelaySeconds is too large', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 31_622_401 }] }) }), '/States/T/Retry/0/MaxDelaySeconds'],
        ['JitterStrategy is unknown', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'HALF' }] }) }), '/States/T/Retry/0/JitterStrategy'],
        ['a retrier has an unknown field', machine({ T: task({ Retry: [{ ErrorEquals: ['X'], Next: 'T' }] }) }), '/States/T/Retry/0'],
        ['a catcher has no Next', machine({ T: task({ Catch: [{ ErrorEquals: ['X'] }] }) }), '/States/T/Catch/0'],
        ['ResultPath reads the context object', machine({ A: pass({ ResultPath: '$$.Execution' }) }), '/States/A/ResultPath'],
        ['ResultPath selects several nodes', machine({ A: pass({ ResultPath: '$.items[*]' }) }), '/States/A/ResultPath'],
        ['InputPath is not a path', machine({ A: pass({ InputPath: 'input' }) }), '/States/A/InputPath'],
        ['ItemsPath does not parse', machine({ M: { Type: 'Map', ItemsPath: '$.', ItemProcessor: machine({ I: pass() }), End: true } }), '/States/M/ItemsPath'],
        ['SecondsPath does not parse', machine({ W: { Type: 'Wait', SecondsPath: '$.a[', End: true } }), '/States/W/SecondsPath'],
        ['a .$ template value is not a string', machine({ A: pass({ Parameters: { 'x.$': 5 } }) }), '/States/A/Parameters/x.$'],
        ['a .$ template value is not a valid path', machine({ A: pass({ Parameters: { nested: { 'x.$': '$.a[' } } }) }), '/States/A/Parameters/nested/x.$'],
        ['two template keys collide once .$ is removed', machine({ A: pass({ Parameters: { x: 1, 'x.$': '$.x' } }) }), '/States/A/Parameters/x.$'],
        ['Assign names the reserved variable states', machine({ A: pass({ Assign: { states: 1 } }) }), '/States/A/Assign/states'],
        ['Assign names part of a variable', machine({ A: pass({ Assign: { 'x.y': 1 } }) }), '/States/A/Assign/x.y'],
        ['a Choice rule has two operators', machine({ C: choice([{ Variable: '$.x', IsNull: true, IsString: true, Next: 'Done' }]), Done: done }), '/States/C/Choices/0'],
        ['a Choice rule has no operator', machine({ C: choice([{ Variable: '$.x', Next: 'Done' }]), Done: done }), '/States/C/Choices/0'],
        ['a Choice rule compares without Variable', machine({ C: choice([{ IsNull: true, Next: 'Done' }]), Done: done }), '/States/C/Choices/0'],
        ['a nested Choice rule has Next', machine({ C: choice([{ And: [{ Variable: '$.x', IsNull: true, Next: 'Done' }], Next: 'Done' }]), Done: done }), '/States/C/Choices/0/And/0'],
        ['a numeric operator gets a string', machine({ C: choice([{ Variable: '$.x', NumericEquals: '5', Next: 'Done' }]), Done: done }), '/States/C/Choices/0/NumericEquals'],
        ['a JSONPath Choice rule has a Condition', machine({ C: choice([{ Condition: true, Next: 'Done' }]), Done: done }), '/States/C/Choices/0/Condition'],
        ['MaxConcurrency is negative', machine({ M: { Type: 'Map', MaxConcurrency: -1, ItemProcessor: machine({ I: pass() }), End: true } }), '/States/M/MaxConcurrency'],
        ['ToleratedFailurePercentage is over 100', machine({ M: { Type: 'Map', ToleratedFailurePercentage: 101, ItemProcessor: machine({ I: pass() }), End: true } }), '/States/M/ToleratedFailurePercentage'],
        ['ProcessorConfig has an unknown Mode', machine({ M: { Type: 'Map', ItemProcessor: { ...machine({ I: pass() }), ProcessorConfig: { Mode: 'REMOTE' } }, End: true } }), '/States/M/ItemProcessor/ProcessorConfig/Mode'],
        ['ItemBatcher has a field and its Path form', machine({ M: { Type: 'Map', ItemBatcher: { MaxItemsPerBatch: 2, MaxItemsPerBatchPath: '$.n' }, ItemProcessor: machine({ I: pass() }), End: true } }), '/States/M/ItemBatcher/MaxItemsPerBatch'],
      ])('fails when %s', (_what, definition, location) => {
        expectDiagnostic(JSON.parse(JSON.stringify(definition)), { code: 'SCHEMA_VALIDATION_FAILED', location });
      });

      test('fails when a JSONata machine contains a JSONPath state, at the state', () => {
        const definition = machine({ A: pass({ QueryLanguage: 'JSONPath' }) }, { QueryLanguage: 'JSONata' });
        expect(errorsOf(definition)).toEqual([
          expect.objectContaining({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/A', message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine" }),
        ]);
      });

      test.each([
        ['InputPath', { InputPath: '$.a' }],
        ['Parameters', { Parameters: {} }],
        ['ResultSelector', { ResultSelector: {} }],
        ['ResultPath', { ResultPath: '$.a' }],
        ['OutputPath', { OutputPath: '$.a' }],
        ['TimeoutSecondsPath', { TimeoutSecondsPath: '$.a' }],
      ])('fails when a JSONata Task has the JSONPath-only field %s, at the field', (field, extra) => {
        const definition = machine({ T: task(extra) }, { QueryLanguage: 'JSONata' });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: `/States/T/${field}` });
      });

      test('fails when a JSONPath state has the JSONata-only field Output, at the field', () => {
        expectDiagnostic(machine({ A: pass({ Output: {} }) }), { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/A/Output' });
      });

      test('fails when a JSONata catcher has ResultPath, at the field', () => {
        const definition = machine({ T: task({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.e', Next: 'T' }] }) }, { QueryLanguage: 'JSONata' });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Catch/0/ResultPath' });
      });

      test('fails when states inside a JSONata Map use JSONata fields in a JSONPath machine (they inherit the top level)', () => {
        const definition = machine({ M: { Type: 'Map', QueryLanguage: 'JSONata', ItemProcessor: machine({ I: pass({ Output: 1 }) }), End: true } });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/M/ItemProcessor/States/I/Output' });
      });

      test('fails when a JSONata Task TimeoutSeconds is a plain string, and accepts an expression', () => {
        const withTimeout = (value: unknown) => machine({ T: task({ TimeoutSeconds: value }) }, { QueryLanguage: 'JSONata' });
        expectDiagnostic(withTimeout('5'), { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/TimeoutSeconds' });
        expect(errorsOf(withTimeout('{% $states.input.t %}'))).toEqual([]);
      });

      test.each(['.sync', '.sync:2', '.waitForTaskToken'])('fails when an EXPRESS Task waits (%s), and not on STANDARD', (suffix) => {
        const definition = machine({ T: task({ Resource: `arn:aws:states:::states:startExecution${suffix}` }) });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Resource' }, { stateMachineType: 'EXPRESS' });
        expect(errorsOf(definition, { stateMachineType: 'STANDARD' })).toEqual([]);
        expect(errorsOf(definition)).toEqual([]);
      });

      test('fails when an EXPRESS Task waits, even with a placeholder in the ARN', () => {
        const definition = machine({ T: task({ Resource: 'arn:${AWS::Partition}:states:::batch:submitJob.sync' }) });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Resource' }, { stateMachineType: 'EXPRESS' });
      });

      test('fails when a JSONata Choice rule has no Condition', () => {
        const definition = machine({ C: choice([{ Next: 'Done' }]), Done: done }, { QueryLanguage: 'JSONata' });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/C/Choices/0' });
      });

      test('fails when a JSONata Choice rule uses the JSONPath Variable, at the field', () => {
        const definition = machine({ C: choice([{ Condition: true, Variable: '$.x', Next: 'Done' }]), Done: done }, { QueryLanguage: 'JSONata' });
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/C/Choices/0/Variable' });
      });

      test('fails when a branch is the same object as an enclosing one (a cycle), without looping', () => {
        const definition: Record<string, unknown> = machine({ P: { Type: 'Parallel', Branches: [] as unknown[], End: true } });
        ((definition.States as States).P as { Branches: unknown[] }).Branches.push(definition);
        expectDiagnostic(definition, { code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P/Branches/0' });
      });
    });
  });

  describe('warnings', () => {
    test.each([
      ['a path', '$.order.id'],
      ['an intrinsic function', "States.Format('{}', $.id)"],
    ])('warns when a template value is %s under a key without .$ (NO_DOLLAR)', (_what, value) => {
      expectDiagnostic(machine({ A: pass({ Parameters: { order: { id: value } } }) }), { severity: 'WARNING', code: 'NO_DOLLAR', location: '/States/A/Parameters/order/id' });
    });

    test('warns when a Fail Error looks like a path (NO_PATH)', () => {
      expectDiagnostic(machine({ F: { Type: 'Fail', Error: '$.error' } }), { severity: 'WARNING', code: 'NO_PATH', location: '/States/F/Error' });
    });

    test('warns when a string comparison operand looks like a path (NO_PATH)', () => {
      const definition = machine({ C: choice([{ Variable: '$.a', StringEquals: '$.b', Next: 'Done' }]), Done: done });
      expectDiagnostic(definition, { severity: 'WARNING', code: 'NO_PATH', location: '/States/C/Choices/0/StringEquals' });
    });

    test('warns when a Pass Result holds a .$ key (PASS_RESULT_IS_STATIC)', () => {
      expectDiagnostic(machine({ A: pass({ Result: { list: [{ 'id.$': '$.id' }] } }) }), { severity: 'WARNING', code: 'PASS_RESULT_IS_STATIC', location: '/States/A/Result/list/0/id.$' });
    });

    test('warns, without an error, when a state cannot be reached (MISSING_TRANSITION_TARGET)', () => {
      const definition = machine({ A: pass(), B: pass() });
      expect(validateDefinition(definition)).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'MISSING_TRANSITION_TARGET', location: '/States/B' })]);
    });

    test('warns, without an error, when a Label breaks the documented syntax (INVALID_LABEL_NAME)', () => {
      const definition = machine({ M: { Type: 'Map', Label: 'my label', ItemProcessor: machine({ I: pass() }), End: true } });
      expect(validateDefinition(definition)).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'INVALID_LABEL_NAME', location: '/States/M/Label' })]);
    });
  });

  describe('malformed input', () => {
    test.each<[string, unknown]>([
      ['an array', []],
      ['a number', 42],
      ['null', null],
      ['"States": null', { StartAt: 'A', States: null }],
      ['"States" as an array', { StartAt: 'A', States: [pass()] }],
      ['a state that is null', { StartAt: 'A', States: { A: null } }],
      ['a Type that is a number', machine({ A: { Type: 7, End: true } })],
      ['Choices of null', machine({ C: { Type: 'Choice', Choices: [null] } })],
      ['Choices that is an object', machine({ C: { Type: 'Choice', Choices: {} } })],
      ['And that is not an array', machine({ C: choice([{ And: 'x', Next: 'Done' }]), Done: done })],
      ['Not that is null', machine({ C: choice([{ Not: null, Next: 'Done' }]), Done: done })],
      ['Retry that is an object', machine({ T: task({ Retry: {} }) })],
      ['Catch that is a string', machine({ T: task({ Catch: 'all' }) })],
      ['a catcher that is null', machine({ T: task({ Catch: [null] }) })],
      ['ErrorEquals of numbers', machine({ T: task({ Retry: [{ ErrorEquals: [1] }] }) })],
      ['Branches that is an object', machine({ P: { Type: 'Parallel', Branches: {}, End: true } })],
      ['a branch that is null', machine({ P: { Type: 'Parallel', Branches: [null], End: true } })],
      ['an ItemProcessor that is null', machine({ M: { Type: 'Map', ItemProcessor: null, End: true } })],
      ['Assign that is an array', machine({ A: pass({ Assign: [] }) })],
      ['Next that is a number', machine({ A: pass({ Next: 1 }), B: pass() })],
      ['ItemReader that is a string', machine({ M: { Type: 'Map', ItemReader: 'x', ItemProcessor: machine({ I: pass() }), End: true } })],
      ['a Resource that is an object', machine({ T: task({ Resource: {} }) })],
    ])('reports %s as an error and does not throw', (_what, definition) => {
      let diagnostics: ValidationDiagnostic[] = [];
      expect(() => {
        diagnostics = validateDefinition(definition === null ? null : JSON.parse(JSON.stringify(definition)));
      }).not.toThrow();
      expect(diagnostics.filter((d) => d.severity === 'ERROR').length).toBeGreaterThan(0);
    });

    test('handles a cyclic Parameters object without looping', () => {
      const parameters: Record<string, unknown> = { 'id.$': '$.a[' };
      parameters.self = parameters;
      const errors = errorsOf(machine({ A: pass({ Parameters: parameters }) }));
      expect(errors).toEqual([expect.objectContaining({ location: '/States/A/Parameters/id.$' })]);
    });

    test('handles 10,000 nested Parallel states without a stack overflow', () => {
      expect(validateDefinition(nestedParallels(10_000))).toEqual([]);
    });

    test('reports TOO_DEEPLY_NESTED once, at the first level too deep, for 10,000 nested Parallel states', () => {
      const diagnostics = validateDefinition(nestedParallels(10_000), { maxNestingDepth: 100 });
      const expectedLocation = Array.from({ length: 101 }, (_, i) => `/States/P${i + 1}/Branches/0`).join('');
      expect(diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', code: 'TOO_DEEPLY_NESTED', location: expectedLocation })]);
    });

    test('handles a 10,000-deep Parameters template and And chain without a stack overflow', () => {
      let template: Record<string, unknown> = { 'leaf.$': '$.a[' };
      let rule: Record<string, unknown> = { Variable: '$.x', IsNull: true };
      for (let i = 0; i < 10_000; i++) {
        template = { nested: template };
        rule = { And: [rule] };
      }
      const definition = machine({ A: pass({ Next: 'C', Parameters: template }), C: choice([{ ...rule, Next: 'Done' }]), Done: done });
      const errors = errorsOf(definition);
      expect(errors).toHaveLength(1);
      expect(errors[0].location).toMatch(/^\/States\/A\/Parameters(\/nested){10000}\/leaf\.\$$/);
    });
  });

  test('accepts a 100-state machine of Tasks, Choices and Passes with retriers, catchers, templates and Assign', () => {
    // GIVEN a chain of Task, Choice and Pass states with retriers, catchers and templates
    const states: States = {};
    for (let i = 0; i < 100; i++) {
      const next = i === 99 ? 'Done' : `S${i + 1}`;
      if (i % 3 === 0) states[`S${i}`] = task({ Next: next, Parameters: { 'id.$': '$.id', n: i }, ResultPath: `$.r${i}`, Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }] });
      else if (i % 3 === 1) states[`S${i}`] = choice([{ And: [{ Variable: `$.v${i}`, NumericGreaterThan: i }, { Variable: '$.s', StringEquals: 'x' }], Next: next }]);
      else states[`S${i}`] = pass({ Next: next, Assign: { [`v${i}.$`]: '$.id' } });
    }
    states.Done = done;
    // WHEN / THEN
    expect(validateDefinition(machine(states))).toEqual([]);
  });
});

describe('assertValidDefinition', () => {
  test('fails when the definition has an error, listing it as CODE at /location: message', () => {
    const definition = machine({ A: pass({ Next: 'Nowhere' }), B: { Type: 'Fail', Error: '$.e' } });
    expect(() => assertValidDefinition(definition)).toThrow(InvalidDefinitionError);
    expect(() => assertValidDefinition(definition)).toThrow(/^Invalid state machine definition \(1 error\):\nMISSING_TRANSITION_TARGET at \/States\/A\/Next: Missing 'Next' target: Nowhere$/);
  });

  test('carries every diagnostic, warnings included, on the error', () => {
    const definition = machine({ A: pass({ Next: 'Nowhere' }), B: { Type: 'Fail', Error: '$.e' } });
    try {
      assertValidDefinition(definition);
      throw new Error('expected assertValidDefinition to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidDefinitionError);
      expect((error as InvalidDefinitionError).diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['MISSING_TRANSITION_TARGET', 'NO_PATH']));
    }
  });

  test('writes an error without a location as CODE: message', () => {
    expect(() => assertValidDefinition('{')).toThrow(/\nINVALID_JSON_DESCRIPTION: The definition is not valid JSON/);
  });

  test('returns the warnings of a valid definition', () => {
    const definition = machine({ F: { Type: 'Fail', Error: '$.e' } });
    expect(assertValidDefinition(definition, { stateMachineType: 'EXPRESS' })).toEqual([expect.objectContaining({ severity: 'WARNING', code: 'NO_PATH' })]);
  });
});
