import { NOT_FOUND } from '../lib/testing/engine/json-path';
import { compileIntrinsic, IntrinsicSyntaxError, isIntrinsic, MAX_INTRINSIC_CALLS } from '../lib/testing/engine/intrinsics';
import { randomSource } from '../lib/testing/engine/random';
import type { RandomSource } from '../lib/testing/engine/random';
import type { EvaluationScope } from '../lib/testing/engine/scope';

interface ScopeOptions {
  readonly context?: Record<string, unknown>;
  readonly variables?: Record<string, unknown>;
  readonly random?: RandomSource;
}

function scopeOf(input: unknown, options: ScopeOptions = {}): EvaluationScope {
  const variables = options.variables ?? {};
  return {
    input,
    context: () => options.context ?? {},
    variable: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : NOT_FOUND),
    random: options.random ?? randomSource('engine-intrinsics'),
  };
}

function evaluate(text: string, input: unknown = {}, options?: ScopeOptions): unknown {
  return compileIntrinsic(text)(scopeOf(input, options));
}

/** What `run` throws (fails the test when it does not throw). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** A random source whose `next()` always returns `value`. */
function fixedRandom(value: number): RandomSource {
  return { next: () => value, uuid: () => '00000000-0000-4000-8000-000000000000', bytes: (count) => Buffer.alloc(count) };
}

const INTRINSIC_FAILURE = 'States.IntrinsicFailure';

// Examples from the Developer Guide page "Intrinsic functions for JSONPath states in Step Functions":
// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
describe('intrinsic functions: the Developer Guide examples', () => {
  test('States.Array returns its arguments in order', () => {
    // GIVEN
    const input = { Id: 123456, someJson: { random: 'abcdefg' } };
    // WHEN
    const single = evaluate('States.Array($.Id)', input);
    const mixed = evaluate("States.Array('Foo', 2020, $.someJson, null)", input);
    // THEN
    expect(single).toEqual([123456]);
    expect(mixed).toEqual(['Foo', 2020, { random: 'abcdefg' }, null]);
  });

  test('States.ArrayPartition chunks an array, the last chunk shorter', () => {
    const result = evaluate('States.ArrayPartition($.inputArray,4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(result).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  test('States.ArrayContains finds a value, comparing JSON values deeply', () => {
    // GIVEN
    const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5, objects: [{ a: 1, b: [2] }] };
    // THEN
    expect(evaluate('States.ArrayContains($.inputArray, $.lookingFor)', input)).toBe(true);
    expect(evaluate('States.ArrayContains($.inputArray, 10)', input)).toBe(false);
    expect(evaluate("States.ArrayContains($.objects, States.StringToJson('\\{\"b\": [2], \"a\": 1\\}'))", input)).toBe(true);
    expect(evaluate("States.ArrayContains($.objects, States.StringToJson('\\{\"b\": [3], \"a\": 1\\}'))", input)).toBe(false);
  });

  test('States.ArrayRange includes both ends', () => {
    expect(evaluate('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(evaluate('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(evaluate('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  test('States.ArrayGetItem returns the item at a 0-based index', () => {
    expect(evaluate('States.ArrayGetItem($.inputArray, $.index)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 })).toBe(6);
  });

  test('States.ArrayLength counts the items', () => {
    expect(evaluate('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).toBe(9);
  });

  test('States.ArrayUnique keeps the first of equal items, objects compared by content', () => {
    // GIVEN
    const input = { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4], mixed: [{ a: 1, b: 2 }, '1', 1, { b: 2, a: 1 }, '{"a":1,"b":2}', 1] };
    // THEN
    expect(evaluate('States.ArrayUnique($.inputArray)', input)).toEqual([1, 2, 3, 4]);
    expect(evaluate('States.ArrayUnique($.mixed)', input)).toEqual([{ a: 1, b: 2 }, '1', 1, '{"a":1,"b":2}']);
  });

  test('States.Base64Encode encodes UTF-8 text', () => {
    expect(evaluate('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe('RGF0YSB0byBlbmNvZGU=');
  });

  test('States.Base64Decode decodes to text (the guide prints "Decoded data", AWS returns the original text)', () => {
    expect(evaluate('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe('Data to encode');
  });

  test('States.Hash gives lowercase hex digests (the guide prints SHA-1 with a digit missing)', () => {
    // GIVEN the digests AWS returned for "input data" (recorded executions)
    const digests = {
      MD5: '812f45842bc6d66ee14572ce20db8e86',
      'SHA-1': 'aaff4a450a104cd177d28d18d74485e8cae074b7',
      'SHA-256': 'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
      'SHA-384': 'd28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562',
      'SHA-512': '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4',
    };
    // WHEN
    const hash = compileIntrinsic('States.Hash($.Data, $.Algorithm)');
    // THEN
    for (const [algorithm, digest] of Object.entries(digests)) {
      expect(hash(scopeOf({ Data: 'input data', Algorithm: algorithm }))).toBe(digest);
    }
  });

  test('States.JsonMerge merges shallowly, the second object winning', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(evaluate('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({ a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });

  test('States.StringToJson parses JSON text; a blank string is null', () => {
    expect(evaluate('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' })).toEqual({ foo: 'bar' });
    expect(evaluate('States.StringToJson($.text)', { text: ' ' })).toBeNull();
    expect(evaluate("States.StringToJson('-0')")).toBe(0);
  });

  test('States.JsonToString writes compact JSON, quotes and backslashes escaped', () => {
    // GIVEN
    const input = { unescapedJson: { foo: 'bar' }, tricky: { say: 'a "quoted" C:\\path' } };
    // THEN
    expect(evaluate('States.JsonToString($.unescapedJson)', input)).toBe('{"foo":"bar"}');
    expect(evaluate('States.JsonToString($.tricky)', input)).toBe('{"say":"a \\"quoted\\" C:\\\\path"}');
  });

  test('States.MathRandom draws from the start (inclusive) to the end (exclusive)', () => {
    // GIVEN random sources at both extremes
    const low = { random: fixedRandom(0) };
    const high = { random: fixedRandom(0.999999) };
    // THEN
    expect(evaluate('States.MathRandom($.start, $.end)', { start: 1, end: 999 }, low)).toBe(1);
    expect(evaluate('States.MathRandom($.start, $.end)', { start: 1, end: 999 }, high)).toBe(998);
  });

  test('States.MathRandom with a seed repeats its number, whatever the random source', () => {
    // WHEN
    const first = evaluate('States.MathRandom(1, 1000000, 42)', {}, { random: fixedRandom(0) });
    const again = evaluate('States.MathRandom(1, 1000000, 42)', {}, { random: fixedRandom(0.5) });
    const otherSeed = evaluate('States.MathRandom(1, 1000000, 43)', {}, { random: fixedRandom(0) });
    // THEN
    expect(first).toBe(again);
    expect(first).not.toBe(otherSeed);
    expect(first).not.toBe(1);
  });

  test('States.MathAdd adds, rounding each argument half up first (as AWS does)', () => {
    expect(evaluate('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
    expect(evaluate('States.MathAdd(1.5, 1.51)')).toBe(4);
    expect(evaluate('States.MathAdd(-1.5, -1.51)')).toBe(-3);
    expect(evaluate('States.MathAdd(1.49, 1.5)')).toBe(3);
    expect(evaluate('States.MathAdd(-0.5, 0)')).toBe(0);
  });

  test('States.StringSplit splits at every character of the delimiter string, dropping empty pieces', () => {
    expect(evaluate('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' })).toEqual(['1', '2', '3', '4', '5']);
    expect(evaluate('States.StringSplit($.inputString, $.splitter)', { inputString: 'This.is+a,test=string', splitter: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    expect(evaluate("States.StringSplit(', , ,', ',')")).toEqual([' ', ' ']);
  });

  test("States.UUID returns the scope's next v4 UUID", () => {
    // GIVEN two random sources with the same seed
    const expected = randomSource('uuid-seed').uuid();
    // WHEN
    const uuid = evaluate('States.UUID()', {}, { random: randomSource('uuid-seed') });
    // THEN
    expect(uuid).toBe(expected);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('States.Format fills each {} from a literal or path template', () => {
    // GIVEN
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    // THEN
    expect(evaluate("States.Format('Hello, my name is {}.', $.name)", input)).toBe('Hello, my name is Arnav.');
    expect(evaluate('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
    expect(evaluate("States.Format('Your name is {}, we are in the year {}', $.name, 2020)", input)).toBe('Your name is Arnav, we are in the year 2020');
  });

  test("States.Format writes null, objects and arrays as AWS does (Java's toString)", () => {
    const input = { nothing: null, object: { Arg1: 1, Arg2: [], nested: { s: 'x' } }, list: [1, 'two', true] };
    expect(evaluate("States.Format('{} {} {}', $.nothing, $.object, $.list)", input)).toBe('null {Arg1=1, Arg2=[], nested={s=x}} [1, two, true]');
  });
});

describe('intrinsic functions: escapes in string literals', () => {
  test('\\\\ before {} is a backslash, and the {} stays a placeholder', () => {
    // GIVEN the JSON source "States.Format('C:\\\\{}', $.dir)", i.e. the text C:\\{}
    const text = "States.Format('C:\\\\{}', $.dir)";
    // THEN
    expect(evaluate(text, { dir: 'temp' })).toBe('C:\\temp');
  });

  test("\\{ \\} and \\' stand for the characters, never a placeholder", () => {
    expect(evaluate("States.Format('\\{\\} it\\'s {}', $.v)", { v: 'x' })).toBe("{} it's x");
    expect(evaluate("States.Format('a } {}', 1)")).toBe('a } 1');
  });

  test('a backslash that escapes nothing fails when evaluated, with States.IntrinsicFailure', () => {
    // GIVEN a definition that compiles
    const compiled = compileIntrinsic("States.Format('a\\nb')");
    // THEN
    expect(thrownBy(() => compiled(scopeOf({})))).toMatchObject({ error: INTRINSIC_FAILURE, causeText: expect.stringMatching(/escapes nothing/) });
  });

  test('an unescaped { without } fails with AWS\'s "matching \'}\' not found" cause', () => {
    expect(thrownBy(() => evaluate("States.Format('a { b }', 1)"))).toMatchObject({
      error: INTRINSIC_FAILURE,
      causeText: expect.stringMatching(/^Invalid template in States.Format: matching '}' not found for '\{'/),
    });
  });
});

describe('intrinsic functions: paths into the input, the context object and variables', () => {
  test('reads $$ from the context object and $name from variables', () => {
    // GIVEN
    const options = {
      context: { Execution: { Id: 'arn:aws:states:us-east-1:111111111111:execution:Orders:run-1' } },
      variables: { order: { total: 42, items: ['a', 'b'] } },
    };
    // THEN
    expect(evaluate("States.StringSplit($$.Execution.Id, ':')", {}, options)).toEqual(['arn', 'aws', 'states', 'us-east-1', '111111111111', 'execution', 'Orders', 'run-1']);
    expect(evaluate('States.MathAdd($order.total, 1)', {}, options)).toBe(43);
    expect(evaluate('States.ArrayGetItem($order.items, 1)', {}, options)).toBe('b');
  });

  test('reads $, $[0] and the bracket notation the guide documents ($.abc.[\'def ghi\'])', () => {
    expect(evaluate('States.JsonToString($)', [1, 2])).toBe('[1,2]');
    expect(evaluate('States.ArrayGetItem($, 0)', ['first'])).toBe('first');
    expect(evaluate("States.Format('{}', $.abc.['def ghi'])", { abc: { 'def ghi': 'spaced' } })).toBe('spaced');
  });

  test('fails with States.Runtime when a path selects nothing (as AWS does for a .$ path)', () => {
    expect(thrownBy(() => evaluate("States.Format('{}', $.missing)", { present: 1 }))).toMatchObject({
      error: 'States.Runtime',
      causeText: expect.stringMatching(/\$\.missing/),
    });
  });

  test('fails with States.Runtime when a variable is not assigned', () => {
    expect(thrownBy(() => evaluate('States.ArrayLength($items)'))).toMatchObject({ error: 'States.Runtime', causeText: expect.stringMatching(/\$items/) });
  });

  test('compiles once and evaluates against each scope', () => {
    // GIVEN
    const compiled = compileIntrinsic("States.Format('{}-{}', $.a, States.MathAdd($.b, 1))");
    // THEN
    expect(compiled(scopeOf({ a: 'x', b: 1 }))).toBe('x-2');
    expect(compiled(scopeOf({ a: 'y', b: 9 }))).toBe('y-10');
  });
});

describe('intrinsic functions: bad arguments fail with States.IntrinsicFailure', () => {
  test.each([
    ['States.ArrayPartition($.list, 0)', /chunk size/],
    ['States.ArrayPartition($.text, 2)', /first argument must be an array/],
    ['States.ArrayRange(1, 5, 0)', /must not be 0/],
    ['States.ArrayRange(1, 1001, 1)', /1001 items/],
    ['States.ArrayGetItem($.list, 3)', /out of bounds/],
    ['States.ArrayGetItem($.list, -1)', /out of bounds/],
    ["States.Hash('x', 'SHA-2')", /algorithm must be one of/],
    ['States.Hash($.list, \'MD5\')', /must be a string/],
    ['States.JsonMerge($.object, $.object, true)', /third argument must be false/],
    ['States.JsonMerge($.object, $.list, false)', /second argument must be a JSON object/],
    ["States.StringToJson('{not json')", /not valid JSON/],
    ['States.MathAdd($.text, 1)', /first argument must be a number/],
    ['States.MathAdd(2147483648, 1)', /between -2147483648 and 2147483647/],
    ['States.MathRandom(5, 5)', /start \(5\) must be less than the end \(5\)/],
    ["States.Format('{} and {}', 1)", /2 '\{\}' placeholder\(s\) but 1 value/],
    ["States.Format('{}', 1, 2)", /1 '\{\}' placeholder\(s\) but 2 value/],
    ['States.Format($.list, 1)', /template must be a string/],
    ['States.StringSplit($.list, \',\')', /must be a string/],
  ])('fails for %s', (text, cause) => {
    const input = { list: [1, 2, 3], text: 'abc', object: { a: 1 } };
    expect(thrownBy(() => evaluate(text, input))).toMatchObject({ error: INTRINSIC_FAILURE, causeText: expect.stringMatching(cause) });
  });

  test('accepts 1000 range items and 10,000 characters, the limits', () => {
    // GIVEN
    const input = { long: 'a'.repeat(10_000), tooLong: 'a'.repeat(10_001), encoded: 'YWJj'.repeat(2_500) };
    // THEN
    expect(evaluate('States.ArrayLength(States.ArrayRange(1, 1000, 1))')).toBe(1000);
    expect(evaluate('States.Base64Encode($.long)', input)).toBe(Buffer.from(input.long).toString('base64'));
    expect(evaluate('States.Base64Decode($.encoded)', input)).toBe('abc'.repeat(2_500));
    expect(evaluate("States.Hash($.long, 'MD5')", input)).toMatch(/^[0-9a-f]{32}$/);
    expect(thrownBy(() => evaluate('States.Base64Encode($.tooLong)', input))).toMatchObject({ error: INTRINSIC_FAILURE, causeText: expect.stringMatching(/10001 characters/) });
    expect(thrownBy(() => evaluate("States.Hash($.tooLong, 'MD5')", input))).toMatchObject({ error: INTRINSIC_FAILURE });
  });
});

describe('intrinsic functions: definition errors fail at compile time', () => {
  test('isIntrinsic recognizes a States.Name( call after optional spaces', () => {
    expect(isIntrinsic("States.Format('x')")).toBe(true);
    expect(isIntrinsic('  States.UUID()')).toBe(true);
    expect(isIntrinsic('$.States.Format(')).toBe(false);
    expect(isIntrinsic('States.Format')).toBe(false);
    expect(isIntrinsic("Say States.Format('x')")).toBe(false);
  });

  test(`accepts ${MAX_INTRINSIC_CALLS} calls in one field and fails at ${MAX_INTRINSIC_CALLS + 1}`, () => {
    // GIVEN the guide's field with nine calls, and chains of 10 and 11 calls
    const guideExample =
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    const chain = (calls: number) => 'States.MathAdd('.repeat(calls - 1) + 'States.MathAdd(0, 1)' + ', 1)'.repeat(calls - 1);
    // THEN
    expect(() => compileIntrinsic(guideExample)).not.toThrow();
    expect(evaluate(chain(MAX_INTRINSIC_CALLS))).toBe(10);
    expect(() => compileIntrinsic(chain(MAX_INTRINSIC_CALLS + 1))).toThrow(/more than 10 intrinsic function calls/);
    expect(MAX_INTRINSIC_CALLS).toBe(10);
  });

  test.each([
    ["States.Nope('x')", /unknown function 'States.Nope'/],
    ['States.ArrayLength()', /States.ArrayLength takes 1 argument, got 0/],
    ['States.MathRandom(1)', /States.MathRandom takes 2 to 3 arguments, got 1/],
    ['States.UUID(1)', /States.UUID takes 0 arguments, got 1/],
    ['States.Format()', /States.Format takes at least 1 argument, got 0/],
    ["States.Format('open", /unterminated string literal/],
    ["States.Format('x' 'y')", /expected ',' or '\)'/],
    ["States.Format('x'", /missing '\)'/],
    ["States.Format('x') tail", /unexpected 't' after the closing '\)'/],
    ['States.Array(1,)', /expected an argument/],
    ['States.Array(yes)', /expected an argument/],
    ['States.Array($.a b)', /expected ',' or '\)'/],
    ['States.Array($-x)', /Invalid path '\$-x'/],
  ])('fails for %s', (text, message) => {
    const error = thrownBy(() => compileIntrinsic(text));
    expect(error).toBeInstanceOf(IntrinsicSyntaxError);
    expect((error as Error).message).toMatch(message);
  });

  test('names the position of the problem', () => {
    const error = thrownBy(() => compileIntrinsic("States.Format('{}', States.Bad())")) as IntrinsicSyntaxError;
    expect(error.position).toBe(20);
    expect(error.message).toMatch(/at position 20: unknown function/);
  });

  test('reads numbers (negative, decimal, exponent), true, false and null', () => {
    expect(evaluate('States.Array(-1, 2.5, 1e3, true, false, null)')).toEqual([-1, 2.5, 1000, true, false, null]);
  });
});
