import {
  compileJsonata,
  compileJsonataTemplate,
  isJsonataExpression,
  JsonataEvaluationError,
  JsonataScope,
  JsonataSyntaxError,
} from '../lib/testing/engine/jsonata';
import { randomSource } from '../lib/testing/engine/random';

/*
 * Sources: the Developer Guide page "Transforming data with JSONata in Step Functions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, "DG" below), the
 * "Passing data between states with variables" page, the facts file
 * (shared/reference/asl-engine-facts.md §4-5) and executions recorded against AWS
 * (shared/aws-truth/cases.json, named by their LocalStack test id, "recorded" below).
 */

const CONTEXT = { Execution: { Id: 'arn:aws:states:us-east-1:111111111111:execution:Orders:run-1' } };

function scopeWith(overrides: Partial<JsonataScope> = {}): JsonataScope {
  return { context: () => CONTEXT, random: randomSource('jsonata-tests'), ...overrides };
}

/** The scope of state `State0` entered at event #2, as in the recorded failures. */
const state0 = scopeWith({ stateName: 'State0', enteredEventId: 2 });

async function evaluate(text: string, input: unknown = {}, variables?: Record<string, unknown>, scope: JsonataScope = scopeWith()): Promise<unknown> {
  return compileJsonata(text, 'Output').evaluate({ input }, scope, variables);
}

async function failure(run: () => unknown): Promise<JsonataEvaluationError> {
  try {
    await run();
  } catch (thrown) {
    if (thrown instanceof JsonataEvaluationError) return thrown;
    throw thrown;
  }
  throw new Error('expected a JsonataEvaluationError');
}

describe('isJsonataExpression', () => {
  test('GIVEN strings delimited by {% and %} with any inner spacing WHEN tested THEN they are expressions', () => {
    expect(['{%$x%}', '{%  $x  %}', '{% $states.input %}'].map(isJsonataExpression)).toEqual([true, true, true]);
  });

  test('GIVEN text outside the delimiters (recorded BASE_LAMBDA_LITERALS keeps " {% states.input %} " literal) WHEN tested THEN not expressions', () => {
    const values = [' {% states.input %} ', '{% $x %} ', '$states.input', '{% $x', '$x %}', '{%}', 42, null, undefined];
    expect(values.map(isJsonataExpression)).toEqual(values.map(() => false));
  });
});

describe('compileJsonata', () => {
  test('fails when the expression does not parse, naming the field, the jsonata code and the position', () => {
    const compile = () => compileJsonata('{% a[1,2) %}', 'Output/v');
    expect(compile).toThrow(JsonataSyntaxError);
    expect(compile).toThrow("The JSONata expression 'a[1,2)' specified for the field 'Output/v' is invalid: S0202 at position 4");
    try {
      compile();
    } catch (error) {
      expect(error).toMatchObject({ code: 'S0202', position: 4, expression: 'a[1,2)', field: 'Output/v' });
    }
  });

  test('fails when the text is not a {% %} expression', () => {
    expect(() => compileJsonata('$states.input', 'Output')).toThrow(/Not a JSONata expression/);
  });
});

describe('$states and variables', () => {
  test("GIVEN the DG's JSONPath-to-JSONata Arguments WHEN evaluated with input {title: Doctor} and $customerName = María THEN the DG's result", async () => {
    // GIVEN
    const args = compileJsonataTemplate(
      { static: 'Hello', title: '{% $states.input.title %}', name: '{% $customerName %}', 'not-evaluated': '$customerName' },
      'Arguments',
    );
    // WHEN
    const result = await args.evaluate({ input: { title: 'Doctor' } }, scopeWith(), { customerName: 'María' });
    // THEN
    expect(result).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
  });

  test('GIVEN result and errorOutput WHEN read THEN $states carries only the members given', async () => {
    const scope = scopeWith();
    const withResult = compileJsonata('{% [$states.result.total, $exists($states.errorOutput)] %}', 'Output');
    expect(await withResult.evaluate({ input: {}, result: { total: 7 } }, scope)).toEqual([7, false]);
    const inCatcher = compileJsonata('{% $states.errorOutput.Error & "/" & $exists($states.result) %}', 'Output');
    expect(await inCatcher.evaluate({ input: {}, errorOutput: { Error: 'Boom', Cause: '' } }, scope)).toBe('Boom/false');
  });

  test('GIVEN $states.context WHEN evaluated THEN the context comes from the scope, built only by expressions that can read it', async () => {
    // GIVEN
    const context = jest.fn(() => CONTEXT);
    const scope = scopeWith({ context });
    // WHEN
    await evaluate('{% $states.input.a & $string($count($states.input)) %}', { a: 'x' }, undefined, scope);
    const id = await evaluate('{% $states.context.Execution.Id %}', {}, undefined, scope);
    const whole = (await evaluate('{% $states %}', { a: 1 }, undefined, scope)) as Record<string, unknown>;
    // THEN
    expect(id).toBe(CONTEXT.Execution.Id);
    expect(whole).toEqual({ input: { a: 1 }, context: CONTEXT });
    expect(context).toHaveBeenCalledTimes(2);
  });

  test('GIVEN an inner scope made with Object.create(outer) WHEN evaluated THEN outer and inner variables are visible', async () => {
    const outer: Record<string, unknown> = { greeting: 'Hello' };
    const inner = Object.assign(Object.create(outer) as Record<string, unknown>, { name: 'Ada' });
    expect(await evaluate("{% $greeting & ', ' & $name %}", {}, inner)).toBe('Hello, Ada');
    expect(await evaluate('{% $greeting %}', {}, inner)).toBe('Hello');
  });

  test('fails when a variable is not assigned, with the cause AWS recorded (BASE_UNDEFINED_OUTPUT)', async () => {
    const error = await failure(() => compileJsonata('{% $doesNotExist %}', 'Output').evaluate({ input: {} }, state0, {}));
    expect(error.error).toBe('States.QueryEvaluationError');
    expect(error.causeText).toBe(
      "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).",
    );
    expect(error).toMatchObject({ location: 'Output', state: 'State0', expression: '$doesNotExist' });
  });

  test("fails when the name is only a member of Object.prototype ($toString is no variable)", async () => {
    const error = await failure(() => evaluate('{% $toString %}', {}, {}));
    expect(error.causeText).toMatch(/'\$toString' specified for the field 'Output' returned nothing/);
  });

  test('GIVEN allowUndefined WHEN the expression yields nothing THEN undefined is returned', async () => {
    const lenient = compileJsonata('{% $states.input.missing %}', 'Condition', { allowUndefined: true });
    expect(await lenient.evaluate({ input: {} }, scopeWith())).toBeUndefined();
  });

  test("GIVEN the variables page's swap WHEN Assign is evaluated with x=3, y=6 THEN every value reads the old ones", async () => {
    const assign = compileJsonataTemplate({ x: '{% $y %}', y: '{% $x %}' }, 'Assign');
    expect(await assign.evaluate({ input: {} }, scopeWith(), { x: 3, y: 6 })).toEqual({ x: 6, y: 3 });
  });
});

describe('templates', () => {
  test('fails when a member at any depth yields nothing, naming it as AWS does (recorded BASE_UNDEFINED_OUTPUT_FIELD)', async () => {
    const output = compileJsonataTemplate({ result: '{% $doesNotExist %}' }, 'Output');
    const error = await failure(() => output.evaluate({ input: {} }, state0, {}));
    expect(error.causeText).toBe(
      "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined).",
    );
    const nested = compileJsonataTemplate({ a: { b: [1, '{% $nothing %}'] } }, 'Arguments');
    expect((await failure(() => nested.evaluate({ input: {} }, scopeWith()))).location).toBe('Arguments/a/b[1]');
  });

  test('GIVEN two failing members WHEN evaluated THEN the first in document order names the failure', async () => {
    const output = compileJsonataTemplate({ first: '{% $v + 1 %}', second: '{% $missing %}' }, 'Output');
    const error = await failure(() => output.evaluate({ input: {} }, scopeWith(), { v: 'text' }));
    expect(error.location).toBe('Output/first');
  });

  test('GIVEN a JSONata object constructor WHEN a member yields nothing THEN jsonata drops the member', async () => {
    expect(await evaluate("{% {'a': $states.input.missing, 'b': 1} %}")).toEqual({ b: 1 });
  });

  test('GIVEN a template without expressions WHEN evaluated THEN the literal itself is returned synchronously', () => {
    const literal = { static: ['a', { b: null }], expression: ' {% not one %} ' };
    const template = compileJsonataTemplate(literal, 'Output');
    expect(template.isStatic).toBe(true);
    expect(template.evaluate({ input: {} }, scopeWith())).toBe(literal);
  });

  test('GIVEN only plain paths WHEN evaluated THEN the value comes back without a Promise; other expressions return one', async () => {
    const paths = compileJsonataTemplate({ a: '{% $states.input.a.b %}', v: '{% $v %}', list: ['{% $states.input.list %}'] }, 'Output');
    const value = paths.evaluate({ input: { a: { b: 1 }, list: [1, 2] } }, scopeWith(), { v: 'x' });
    expect(value).toEqual({ a: 1, v: 'x', list: [[1, 2]] });
    const computed = compileJsonataTemplate({ sum: '{% $v + 1 %}', a: '{% $states.input.a %}' }, 'Output').evaluate({ input: { a: 2 } }, scopeWith(), { v: 1 });
    expect(computed).toBeInstanceOf(Promise);
    expect(await computed).toEqual({ sum: 2, a: 2 });
  });

  test('GIVEN a plain path through an array WHEN evaluated THEN jsonata maps over it', async () => {
    expect(await evaluate('{% $states.input.items.id %}', { items: [{ id: 1 }, { id: 2 }] })).toEqual([1, 2]);
  });
});

describe('errors', () => {
  test('fails when a type error is thrown, with the jsonata code and message after AWS\'s sentence', async () => {
    const error = await failure(() => compileJsonata('{% $x + $y %}', 'Output/v').evaluate({ input: {} }, state0, { x: 'a', y: 'b' }));
    expect(error.causeText).toBe(
      "An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata expression '$x + $y' specified for the field 'Output/v' threw an error during evaluation. T2001: The left side of the \"+\" operator must evaluate to a number",
    );
  });

  test('fails when $eval is called: Step Functions withdraws it (T1006, as AWS recorded for a call to an unbound function)', async () => {
    const error = await failure(() => evaluate("{% $eval('1 + 1') %}"));
    expect(error.causeText).toBe(
      "The JSONata expression '$eval('1 + 1')' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });

  test('fails when the result is a function (recorded test_map_state_items_eval_jsonata_fail[function])', async () => {
    const error = await failure(() => compileJsonata('{% $fn := function($x){$x} %}', 'Items').evaluate({ input: {} }, scopeWith()));
    expect(error.causeText).toBe("The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type.");
  });

  test("GIVEN an Items result that is not an array WHEN the caller rejects it THEN the cause is AWS's recorded text", async () => {
    const items = compileJsonata("{% {'foo': 'bar'} %}", 'Items');
    const scope = scopeWith({ stateName: 'MapIterateState', enteredEventId: 2 });
    const value = await items.evaluate({ input: {} }, scope);
    expect(items.unexpectedType(value, 'array', scope).causeText).toBe(
      "An error occurred while executing the state 'MapIterateState' (entered at the event id #2). The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}",
    );
  });

  test('GIVEN a regular expression literal (recorded test_base_jsonata_regular_expressions) WHEN evaluated THEN it matches', async () => {
    expect(await evaluate('{% $contains("hello$world", /^hello\\$/) %}')).toBe(true);
    expect(await evaluate("{% $contains('hello$world', /^hello\\ /) %}")).toBe(false);
  });
});

describe('functions Step Functions adds', () => {
  test.each([
    ['$partition([1,2,3,4,5], 2)', [[1, 2], [3, 4], [5]]],
    ['$partition([1,2,3,4,5], 6)', [[1, 2, 3, 4, 5]]],
    ['$partition([0,1,2,3], 3)', [[0, 1, 2], [3]]],
    ['$partition([0], 1)', [[0]]],
    ['$partition([1,2,3,4,5], 2.9)', [[1, 2], [3, 4], [5]]],
  ])('GIVEN %s WHEN evaluated THEN %j', async (expression, expected) => {
    expect(await evaluate(`{% ${expression} %}`)).toEqual(expected);
  });

  test('GIVEN an empty array or a chunk size of 0 WHEN partitioned THEN nothing (observed on AWS; the facts file lists [] for [])', async () => {
    const lenient = (text: string) => compileJsonata(text, 'Output', { allowUndefined: true }).evaluate({ input: {} }, scopeWith());
    expect(await lenient('{% $partition([], 2) %}')).toBeUndefined();
    expect(await lenient('{% $partition([1, 2], 0) %}')).toBeUndefined();
  });

  test('fails when the chunk size is negative', async () => {
    expect((await failure(() => evaluate('{% $partition([1, 2], -2) %}'))).causeText).toMatch(/D3137: Second argument must be zero or greater$/);
  });

  test.each([
    ['$range(0, 10, 1)', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['$range(1, -5, -1)', [1, 0, -1, -2, -3, -4, -5]],
    ['$range(1, 9, 3)', [1, 4, 7]],
    ['$range(0, 10, 3)', [0, 3, 6, 9]],
    ['$range(1, 9, 2)', [1, 3, 5, 7, 9]],
    ['$range(1.7, 5, 1)', [1, 2, 3, 4, 5]],
    ['$range(-1.7, 2, 1)', [-1, 0, 1, 2]],
    ['$range(1, 9, 9)', 1],
  ])('GIVEN %s WHEN evaluated THEN %j (one element is a bare number, as AWS recorded for $range(1, 9, 9))', async (expression, expected) => {
    expect(await evaluate(`{% ${expression} %}`)).toEqual(expected);
  });

  test('GIVEN a step of 0 or against the direction WHEN ranged THEN nothing', async () => {
    const lenient = (text: string) => compileJsonata(text, 'Output', { allowUndefined: true }).evaluate({ input: {} }, scopeWith());
    expect(await lenient('{% $range(1, 9, 0) %}')).toBeUndefined();
    expect(await lenient('{% $range(5, 1, 1) %}')).toBeUndefined();
  });

  test("fails when a range exceeds AWS's bound of 360,145 elements", async () => {
    expect(await evaluate('{% $count($range(1, 360145, 1)) %}')).toBe(360145);
    const error = await failure(() => evaluate('{% $range(1, 360146, 1) %}'));
    expect(error.causeText).toMatch(/threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage$/);
  });

  test.each([
    ['input data', 'SHA-1', 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['Hello', 'MD5', '8b1a9953c4611296a827abf8c47804d7'],
    ['Hello', 'SHA-256', '185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969'],
    ['Hello', 'SHA-384', '3519fe5ad2c596efe3e276a6f351b8fc0b03db861782490d45f7598ebd0ab5fd5520ed102f38c4a5ec834e98668035fc'],
    [
      'Hello',
      'SHA-512',
      '3615f80c9d293ed7402687f94b22d58e529b8cc7916f8fac7fddf7fbd5af4cf777d3d795a7a00a16bf7e7f3fb9561ee9baae480da9fe7a18769e71886b03f315',
    ],
  ])('GIVEN $hash(%j, %j) WHEN evaluated THEN the lowercase hex digest', async (text, algorithm, digest) => {
    expect(await evaluate(`{% $hash('${text}', '${algorithm}') %}`)).toBe(digest);
  });

  test('fails when the hash algorithm is not one of the five names (case-sensitive)', async () => {
    expect((await failure(() => evaluate("{% $hash('Hello', 'md5') %}"))).causeText).toMatch(/D3137: Unsupported hash algorithm 'md5'/);
  });

  test('GIVEN a seed WHEN $random is evaluated twice THEN the same number, the one java.util.Random gives (observed on AWS)', async () => {
    const first = await evaluate('{% $random(42) %}');
    expect(await evaluate('{% $random(42) %}')).toBe(first);
    expect(first).toBe(0.7275636800328681);
    expect(await evaluate('{% $random(7) %}')).toBe(0.7306990420600421);
    expect(await evaluate('{% $random(0.9) %}')).toBe(await evaluate('{% $random(0) %}'));
  });

  test("GIVEN no seed WHEN $random and $uuid are evaluated THEN they draw from the scope's random source", async () => {
    const drawn = await evaluate('{% [$random(), $uuid()] %}', {}, undefined, scopeWith({ random: randomSource('seed') }));
    const expected = randomSource('seed');
    expect(drawn).toEqual([expected.next(), expected.uuid()]);
    expect((drawn as unknown[])[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('GIVEN JSON text WHEN parsed THEN the value ($parse replaces $eval; recorded $parse("-0") is 0)', async () => {
    expect(await evaluate(`{% $parse('{"foo":"bar"}') %}`)).toEqual({ foo: 'bar' });
    expect(Object.is(await evaluate('{% $parse($states.input.text) %}', { text: '-0' }), 0)).toBe(true);
  });

  test('fails when $parse is given text that is not JSON', async () => {
    expect((await failure(() => evaluate("{% $parse('not json') %}"))).causeText).toMatch(/threw an error during evaluation\. D3137: Invalid JSON$/);
  });

  test("GIVEN the scope's clock WHEN $now and $millis are evaluated THEN they read it once per evaluation", async () => {
    const now = jest.fn().mockReturnValueOnce(Date.UTC(2024, 0, 2, 3, 4, 5, 6)).mockReturnValue(0);
    const value = await evaluate("{% [$now(), $millis(), $millis(), $now('[Y0001]-[M01]')] %}", {}, undefined, scopeWith({ now }));
    expect(value).toEqual(['2024-01-02T03:04:05.006Z', 1704164645006, 1704164645006, '2024-01']);
    expect(now).toHaveBeenCalledTimes(1);
  });
});

describe('results are the JSON AWS passes on', () => {
  test('GIVEN a path that yields a jsonata sequence WHEN evaluated THEN a plain array', async () => {
    const value = (await evaluate('{% $states.input.items.v %}', { items: [{ v: 1 }, { v: 2 }] })) as unknown[];
    expect(value).toEqual([1, 2]);
    expect(Object.keys(value)).toEqual(['0', '1']);
    expect((value as unknown as { sequence?: boolean }).sequence).toBeUndefined();
  });

  test('GIVEN non-finite numbers and -0 WHEN returned THEN their names and 0', async () => {
    const value = (await evaluate('{% [1/0, -1/0, 0 * -1] %}')) as unknown[];
    expect(value.slice(0, 2)).toEqual(['Infinity', '-Infinity']);
    expect(Object.is(value[2], 0)).toBe(true);
  });
});
