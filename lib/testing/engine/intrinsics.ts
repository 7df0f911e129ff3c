import { createHash } from 'node:crypto';
import { States, StatesError } from './errors';
import { compilePath, NOT_FOUND, PathSyntaxError } from './json-path';
import type { CompiledPath } from './json-path';
import { seededGenerator } from './random';
import type { EvaluationScope } from './scope';

/**
 * An intrinsic function call compiled once, evaluated as often as needed. Returns the call's
 * JSON value. Values read through paths are returned as they are (not copied): treat the
 * result as immutable.
 *
 * @throws StatesError `States.IntrinsicFailure` when an argument has the wrong type or value
 * (cause: `Invalid arguments in States.Xxx: ...`), `States.Runtime` when a path argument selects
 * nothing or names an unassigned variable.
 */
export type CompiledIntrinsic = (scope: EvaluationScope) => unknown;

/**
 * How many intrinsic function calls one field may hold, the outermost and every nested one
 * counted (the Developer Guide's example "includes nine nested intrinsic functions" and has nine
 * calls in all).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
export const MAX_INTRINSIC_CALLS = 10;

/**
 * A field value that is not a well-formed intrinsic function call: bad syntax, an unknown
 * function, more than {@link MAX_INTRINSIC_CALLS} calls, or a wrong number of arguments.
 * Thrown by {@link compileIntrinsic}, before anything runs (Step Functions rejects such a
 * definition when it is created).
 */
export class IntrinsicSyntaxError extends Error {
  constructor(
    /** The field value as written. */
    public readonly text: string,
    /** Where the problem is: a 0-based index into `text`. */
    public readonly position: number,
    problem: string,
  ) {
    super(`Invalid intrinsic function call ${JSON.stringify(text)} at position ${position}: ${problem}`);
    this.name = 'IntrinsicSyntaxError';
  }
}

/**
 * Whether a field value is written as an intrinsic function call: optional spaces, then
 * `States.Name(`. It does not check the rest; {@link compileIntrinsic} does.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
export function isIntrinsic(text: string): boolean {
  return CALL_START.test(text);
}

/**
 * Parses an intrinsic function call once and returns a function that evaluates it against a
 * scope, without parsing again. Arguments are `'string'` literals (`\'`, `\{`, `\}` and `\\`
 * stand for `'`, `{`, `}` and `\`), numbers, `true`, `false`, `null`, paths over the input
 * (`$`, `$.a.b`, `$[0]`), the context object (`$$.Execution.Id`) or a variable (`$name.x`), and
 * nested calls. JSONPath states only: JSONata has its own functions.
 *
 * Step Functions' behaviour where the documentation is silent, taken from executions recorded
 * against AWS: `States.Format` writes objects and arrays as `{a=1, b=[x, y]}` (Java's
 * `toString`), `States.StringSplit` drops empty pieces, `States.StringToJson` of a blank string
 * is `null`, integer arguments are rounded half up (`MathAdd(1.5, 1.51)` is `4`).
 *
 * @param text the field value, e.g. `States.Format('Hello {}', $.name)`.
 * @returns the compiled call; see {@link CompiledIntrinsic} for the errors it throws.
 * @throws IntrinsicSyntaxError for bad syntax, an unknown function, more than
 * {@link MAX_INTRINSIC_CALLS} calls, a wrong number of arguments, or a path that is not valid
 * JSONPath.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  return compileNode(new Parser(text).parse(), text);
}

// ---------------------------------------------------------------------------------------------
// Parsing

const CALL_START = /^\s*States\.[A-Za-z0-9._]+\s*\(/;
const NAME = /States\.[A-Za-z0-9._]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORD = /true|false|null/y;
const SPACE = /\s/;

type Node = ValueNode | StringNode | PathNode | CallNode;

interface ValueNode {
  readonly kind: 'value';
  readonly value: number | boolean | null;
}

interface StringNode {
  readonly kind: 'string';
  readonly value: string;
  /** Indexes in `value` of braces written escaped (`\{`, `\}`): never placeholders. */
  readonly escapedBraces: ReadonlySet<number>;
  /** Index in the text of a backslash that escapes nothing: an error when evaluated. */
  readonly loneBackslash?: number;
}

interface PathNode {
  readonly kind: 'path';
  readonly path: CompiledPath;
}

interface CallNode {
  readonly kind: 'call';
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly args: readonly Node[];
}

class Parser {
  private position = 0;
  private calls = 0;

  constructor(private readonly text: string) {}

  public parse(): Node {
    this.skipSpaces();
    if (!this.text.startsWith('States.', this.position)) throw this.error('an intrinsic function call starts with "States.".');
    const node = this.call();
    this.skipSpaces();
    if (this.position < this.text.length) throw this.error(`unexpected '${this.text[this.position]}' after the closing ')'.`);
    return node;
  }

  private argument(): Node {
    const char = this.text[this.position];
    if (char === "'") return this.string();
    if (char === '$') return this.path();
    if (this.text.startsWith('States.', this.position)) return this.call();
    return this.literal();
  }

  private call(): CallNode {
    const start = this.position;
    if (++this.calls > MAX_INTRINSIC_CALLS) throw this.error(`more than ${MAX_INTRINSIC_CALLS} intrinsic function calls in one field.`);
    const name = this.match(NAME) ?? '';
    const spec = FUNCTIONS.get(name);
    if (!spec) throw this.error(`unknown function '${name}'. Known: ${[...FUNCTIONS.keys()].join(', ')}.`, start);
    this.skipSpaces();
    this.expect('(');
    const args = this.argumentList();
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      throw this.error(`${name} takes ${arityText(spec)}, got ${args.length}.`, start);
    }
    return { kind: 'call', name, spec, args };
  }

  /** The arguments after '(' up to and including ')'. */
  private argumentList(): Node[] {
    const args: Node[] = [];
    this.skipSpaces();
    if (this.text[this.position] === ')') {
      this.position++;
      return args;
    }
    for (;;) {
      this.skipSpaces();
      args.push(this.argument());
      this.skipSpaces();
      const char = this.text[this.position++];
      if (char === ')') return args;
      if (char !== ',') {
        this.position--;
        throw this.error(char === undefined ? "missing ')'." : `expected ',' or ')', found '${char}'.`);
      }
    }
  }

  private string(): StringNode {
    const start = this.position++;
    let value = '';
    const escapedBraces = new Set<number>();
    let loneBackslash: number | undefined;
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) throw this.error('unterminated string literal.', start);
      this.position++;
      if (char === "'") break;
      if (char !== '\\') {
        value += char;
        continue;
      }
      const escaped = this.text[this.position];
      if (escaped === "'" || escaped === '{' || escaped === '}' || escaped === '\\') {
        if (escaped === '{' || escaped === '}') escapedBraces.add(value.length);
        value += escaped;
        this.position++;
      } else {
        loneBackslash ??= this.position - 1;
      }
    }
    return { kind: 'string', value, escapedBraces, loneBackslash };
  }

  /** A path runs to the next space, ',' or ')' outside brackets and quotes. */
  private path(): PathNode {
    const start = this.position;
    let text = '';
    let depth = 0;
    let quote: string | undefined;
    for (; this.position < this.text.length; this.position++) {
      const char = this.text[this.position];
      if (quote) {
        if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        if (depth > 0) quote = char;
      } else if (char === '[') {
        depth++;
        // AWS accepts `$.a.['b c']` (the Developer Guide's own example): drop the dot.
        if (text.endsWith('.') && !text.endsWith('..')) text = text.slice(0, -1);
      } else if (char === ']') {
        depth--;
      } else if (depth === 0 && (char === ',' || char === ')' || SPACE.test(char))) {
        break;
      }
      text += char;
    }
    try {
      return { kind: 'path', path: compilePath(text) };
    } catch (error) {
      if (error instanceof PathSyntaxError) throw this.error(error.message, start);
      throw error;
    }
  }

  private literal(): ValueNode {
    const start = this.position;
    const number = this.match(NUMBER);
    const keyword = number === undefined ? this.match(KEYWORD) : undefined;
    const next = this.text[this.position];
    const ended = next === undefined || next === ',' || next === ')' || SPACE.test(next);
    if ((number === undefined && keyword === undefined) || !ended) {
      this.position = start;
      throw this.error("expected an argument: a 'string', a number, true, false, null, a path or a States.* call.");
    }
    if (number !== undefined) return { kind: 'value', value: Number(number) || 0 };
    return { kind: 'value', value: keyword === 'null' ? null : keyword === 'true' };
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text)?.[0];
    if (found) this.position += found.length;
    return found || undefined;
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw this.error(`expected '${char}'.`);
    this.position++;
  }

  private skipSpaces(): void {
    while (this.position < this.text.length && SPACE.test(this.text[this.position])) this.position++;
  }

  private error(problem: string, position = this.position): IntrinsicSyntaxError {
    return new IntrinsicSyntaxError(this.text, position, problem);
  }
}

function arityText(spec: FunctionSpec): string {
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (spec.maxArgs === Infinity) return `at least ${plural(spec.minArgs)}`;
  if (spec.minArgs === spec.maxArgs) return plural(spec.minArgs);
  return `${spec.minArgs} to ${plural(spec.maxArgs)}`;
}

// ---------------------------------------------------------------------------------------------
// Compiling the tree into closures

function compileNode(node: Node, text: string): CompiledIntrinsic {
  switch (node.kind) {
    case 'value': {
      const value = node.value;
      return () => value;
    }
    case 'string':
      return compileString(node);
    case 'path':
      return compilePathArgument(node.path, text);
    case 'call':
      return compileCall(node, text);
  }
}

function compileString(node: StringNode): CompiledIntrinsic {
  if (node.loneBackslash !== undefined) {
    // The Developer Guide: "If an open escape backslash \ is found in the intrinsic invocation
    // string, the interpreter will return a runtime error."
    const cause = `The string literal '${node.value}' has a backslash at position ${node.loneBackslash} that escapes nothing: only \\', \\{, \\} and \\\\ are escapes.`;
    return () => {
      throw new StatesError(States.IntrinsicFailure, cause);
    };
  }
  const value = node.value;
  return () => value;
}

/**
 * A path that selects nothing is `States.Runtime`, as AWS records it for a `.$` field whose
 * path selects nothing (a plain path and an intrinsic argument are resolved the same way).
 */
function compilePathArgument(path: CompiledPath, text: string): CompiledIntrinsic {
  const notFound = (root: unknown, where: string) =>
    new StatesError(States.Runtime, `The JSONPath '${path.text}' in '${text}' could not be found in the ${where} '${safeJson(root)}'.`);
  switch (path.root) {
    case 'input':
      return (scope) => {
        const value = path.read(scope.input);
        if (value === NOT_FOUND) throw notFound(scope.input, 'input');
        return value;
      };
    case 'context':
      return (scope) => {
        const context = scope.context();
        const value = path.read(context);
        if (value === NOT_FOUND) throw notFound(context, 'context object');
        return value;
      };
    case 'variable': {
      const name = path.variable ?? '';
      return (scope) => {
        const variable = scope.variable(name);
        if (variable === NOT_FOUND) throw new StatesError(States.Runtime, `The variable '$${name}' used in '${text}' is not assigned.`);
        const value = path.read(variable);
        if (value === NOT_FOUND) throw notFound(variable, `variable '$${name}'`);
        return value;
      };
    }
  }
}

function compileCall(node: CallNode, text: string): CompiledIntrinsic {
  const args = node.args.map((arg) => compileNode(arg, text));
  if (node.name === 'States.Format') return compileFormat(node.args[0], args);
  const apply = node.spec.apply;
  return (scope) => apply(evaluateAll(args, 0, scope), scope);
}

function evaluateAll(args: readonly CompiledIntrinsic[], from: number, scope: EvaluationScope): unknown[] {
  const values = new Array<unknown>(args.length - from);
  for (let i = from; i < args.length; i++) values[i - from] = args[i](scope);
  return values;
}

// ---------------------------------------------------------------------------------------------
// States.Format

/** A Format template split at its placeholders: `n` placeholders, `n + 1` pieces. */
type Template = { readonly pieces: readonly string[] } | { readonly problem: string };

const FORMAT = 'States.Format';

/** A literal template is split once, at compile time; a template read from a path at each call. */
function compileFormat(first: Node, args: readonly CompiledIntrinsic[]): CompiledIntrinsic {
  if (first.kind === 'string' && first.loneBackslash === undefined) {
    const template = splitTemplate(first.value, first.escapedBraces);
    return (scope) => format(template, evaluateAll(args, 1, scope));
  }
  const templateOf = args[0];
  return (scope) => {
    const template = templateOf(scope);
    if (typeof template !== 'string') throw failure(FORMAT, `the template must be a string, got ${describe(template)}.`);
    return format(splitTemplate(template), evaluateAll(args, 1, scope));
  };
}

function splitTemplate(text: string, escaped?: ReadonlySet<number>): Template {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== '{' || escaped?.has(i)) {
      piece += char;
    } else if (text[i + 1] === '}' && !escaped?.has(i + 1)) {
      pieces.push(piece);
      piece = '';
      i++;
    } else {
      // AWS's own message for this case (aws/aws-cdk#29261).
      return { problem: `Invalid template in ${FORMAT}: matching '}' not found for '{' at position ${i}.` };
    }
  }
  pieces.push(piece);
  return { pieces };
}

function format(template: Template, values: readonly unknown[]): string {
  if ('problem' in template) throw new StatesError(States.IntrinsicFailure, template.problem);
  const { pieces } = template;
  if (pieces.length - 1 !== values.length) {
    throw failure(FORMAT, `the template has ${pieces.length - 1} '{}' placeholder(s) but ${values.length} value(s) follow it.`);
  }
  let result = pieces[0];
  for (let i = 0; i < values.length; i++) result += formatValue(values[i]) + pieces[i + 1];
  return result;
}

/** Strings as they are, everything else as Java's `toString` writes it (recorded on AWS). */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${key}=${formatValue(item)}`).join(', ')}}`;
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// The other functions

interface FunctionSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The result for evaluated arguments; throws StatesError for bad ones. */
  readonly apply: (args: unknown[], scope: EvaluationScope) => unknown;
}

const MAX_STRING_CHARS = 10_000;
const MAX_RANGE_ITEMS = 1000;
const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;
const HASH_ALGORITHMS = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

const FUNCTIONS = new Map<string, FunctionSpec>([
  // Format is compiled by compileFormat; its entry gives the arity.
  [FORMAT, { minArgs: 1, maxArgs: Infinity, apply: () => undefined }],
  ['States.StringToJson', { minArgs: 1, maxArgs: 1, apply: stringToJson }],
  ['States.JsonToString', { minArgs: 1, maxArgs: 1, apply: ([value]) => JSON.stringify(value) }],
  ['States.Array', { minArgs: 0, maxArgs: Infinity, apply: (args) => args }],
  ['States.ArrayPartition', { minArgs: 2, maxArgs: 2, apply: arrayPartition }],
  ['States.ArrayContains', { minArgs: 2, maxArgs: 2, apply: arrayContains }],
  ['States.ArrayRange', { minArgs: 3, maxArgs: 3, apply: arrayRange }],
  ['States.ArrayGetItem', { minArgs: 2, maxArgs: 2, apply: arrayGetItem }],
  ['States.ArrayLength', { minArgs: 1, maxArgs: 1, apply: ([array]) => arrayArg('States.ArrayLength', array, 0).length }],
  ['States.ArrayUnique', { minArgs: 1, maxArgs: 1, apply: arrayUnique }],
  ['States.Base64Encode', { minArgs: 1, maxArgs: 1, apply: base64Encode }],
  ['States.Base64Decode', { minArgs: 1, maxArgs: 1, apply: base64Decode }],
  ['States.Hash', { minArgs: 2, maxArgs: 2, apply: hash }],
  ['States.JsonMerge', { minArgs: 3, maxArgs: 3, apply: jsonMerge }],
  ['States.MathRandom', { minArgs: 2, maxArgs: 3, apply: mathRandom }],
  ['States.MathAdd', { minArgs: 2, maxArgs: 2, apply: mathAdd }],
  ['States.StringSplit', { minArgs: 2, maxArgs: 2, apply: stringSplit }],
  ['States.UUID', { minArgs: 0, maxArgs: 0, apply: (_args, scope) => scope.random.uuid() }],
]);

/** A blank string parses to null (recorded on AWS). */
function stringToJson([text]: unknown[]): unknown {
  const name = 'States.StringToJson';
  const json = stringArg(name, text, 0);
  if (json.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw failure(name, `the argument is not valid JSON (${(error as Error).message}).`);
  }
  return value === 0 ? 0 : value; // "-0" parses to -0; AWS gives 0
}

function arrayPartition([array, size]: unknown[]): unknown[][] {
  const name = 'States.ArrayPartition';
  const items = arrayArg(name, array, 0);
  const chunk = integerArg(name, size, 1);
  if (chunk <= 0) throw failure(name, `the chunk size must be a positive integer, got ${describe(size)}.`);
  const chunks: unknown[][] = [];
  for (let i = 0; i < items.length; i += chunk) chunks.push(items.slice(i, i + chunk));
  return chunks;
}

function arrayContains([array, value]: unknown[]): boolean {
  return arrayArg('States.ArrayContains', array, 0).some((item) => deepEqual(item, value));
}

/** Both ends inclusive; the end is reached only when the step lands on it. */
function arrayRange([first, last, increment]: unknown[]): number[] {
  const name = 'States.ArrayRange';
  const start = integerArg(name, first, 0);
  const end = integerArg(name, last, 1);
  const step = integerArg(name, increment, 2);
  if (step === 0) throw failure(name, 'the step (third argument) must not be 0.');
  const count = Math.max(0, Math.floor((end - start) / step) + 1);
  if (count > MAX_RANGE_ITEMS) throw failure(name, `the range would have ${count} items; at most ${MAX_RANGE_ITEMS} are allowed.`);
  const items = new Array<number>(count);
  for (let i = 0; i < count; i++) items[i] = start + i * step;
  return items;
}

function arrayGetItem([array, index]: unknown[]): unknown {
  const name = 'States.ArrayGetItem';
  const items = arrayArg(name, array, 0);
  const position = integerArg(name, index, 1);
  if (position < 0 || position >= items.length) {
    throw failure(name, `the index ${position} is out of bounds for an array of ${items.length} item(s).`);
  }
  return items[position];
}

/** Keeps the first of equal items; objects are equal when their keys and values are. */
function arrayUnique([array]: unknown[]): unknown[] {
  const scalars = new Set<unknown>();
  const structures = new Set<string>();
  const unique: unknown[] = [];
  for (const item of arrayArg('States.ArrayUnique', array, 0)) {
    if (item !== null && typeof item === 'object') {
      const key = canonicalJson(item);
      if (structures.has(key)) continue;
      structures.add(key);
    } else {
      if (scalars.has(item)) continue;
      scalars.add(item);
    }
    unique.push(item);
  }
  return unique;
}

function base64Encode([data]: unknown[]): string {
  const text = boundedStringArg('States.Base64Encode', data);
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Characters outside the Base64 alphabet are skipped, as a MIME decoder does. */
function base64Decode([data]: unknown[]): string {
  const text = boundedStringArg('States.Base64Decode', data);
  return Buffer.from(text, 'base64').toString('utf8');
}

function hash([data, algorithm]: unknown[]): string {
  const name = 'States.Hash';
  const text = boundedStringArg(name, data);
  const digest = HASH_ALGORITHMS.get(algorithm as string);
  if (digest === undefined) {
    throw failure(name, `the algorithm must be one of ${[...HASH_ALGORITHMS.keys()].join(', ')}; got ${describe(algorithm)}.`);
  }
  return createHash(digest).update(text, 'utf8').digest('hex');
}

/** Shallow: the second object's keys replace the first's, nested objects included. */
function jsonMerge([left, right, deep]: unknown[]): Record<string, unknown> {
  const name = 'States.JsonMerge';
  const first = objectArg(name, left, 0);
  const second = objectArg(name, right, 1);
  if (deep !== false) {
    throw failure(name, `the third argument must be false (only the shallow merge exists), got ${describe(deep)}.`);
  }
  return { ...first, ...second };
}

/** The start is inclusive, the end exclusive (Developer Guide). */
function mathRandom(args: unknown[], scope: EvaluationScope): number {
  const name = 'States.MathRandom';
  const start = integerArg(name, args[0], 0);
  const end = integerArg(name, args[1], 1);
  if (start >= end) throw failure(name, `the start (${start}) must be less than the end (${end}).`);
  const next = args.length > 2 ? seededGenerator(String(integerArg(name, args[2], 2))) : () => scope.random.next();
  return start + Math.floor(next() * (end - start));
}

function mathAdd([left, right]: unknown[]): number {
  const name = 'States.MathAdd';
  const sum = int32Arg(name, left, 0) + int32Arg(name, right, 1);
  return sum === 0 ? 0 : sum;
}

/** Every character of the delimiter string splits; empty pieces are dropped (recorded on AWS). */
function stringSplit([value, separators]: unknown[]): string[] {
  const name = 'States.StringSplit';
  const text = stringArg(name, value, 0);
  const delimiters = stringArg(name, separators, 1);
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !delimiters.includes(text[i])) continue;
    if (i > start) pieces.push(text.slice(start, i));
    start = i + 1;
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Argument checks

const ORDINALS = ['first', 'second', 'third'];

function failure(name: string, detail: string): StatesError {
  return new StatesError(States.IntrinsicFailure, `Invalid arguments in ${name}: ${detail}`);
}

function argumentName(index: number): string {
  return `the ${ORDINALS[index] ?? `#${index + 1}`} argument`;
}

function stringArg(name: string, value: unknown, index: number): string {
  if (typeof value !== 'string') throw failure(name, `${argumentName(index)} must be a string, got ${describe(value)}.`);
  return value;
}

function boundedStringArg(name: string, value: unknown): string {
  const text = stringArg(name, value, 0);
  if (text.length > MAX_STRING_CHARS) {
    throw failure(name, `the string has ${text.length} characters; at most ${MAX_STRING_CHARS} are allowed.`);
  }
  return text;
}

function arrayArg(name: string, value: unknown, index: number): unknown[] {
  if (!Array.isArray(value)) throw failure(name, `${argumentName(index)} must be an array, got ${describe(value)}.`);
  return value;
}

function objectArg(name: string, value: unknown, index: number): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw failure(name, `${argumentName(index)} must be a JSON object, got ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

/**
 * A number rounded to the nearest integer, halves up (Java's `Math.round`, which JavaScript's
 * matches): the Developer Guide says non-integers are rounded, and AWS gives
 * `MathAdd(-1.5, -1.51)` = `-3`.
 */
function integerArg(name: string, value: unknown, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw failure(name, `${argumentName(index)} must be a number, got ${describe(value)}.`);
  }
  const rounded = Math.round(value);
  return rounded === 0 ? 0 : rounded;
}

function int32Arg(name: string, value: unknown, index: number): number {
  const integer = integerArg(name, value, index);
  if (integer < INT_MIN || integer > INT_MAX) {
    throw failure(name, `${argumentName(index)} must be between ${INT_MIN} and ${INT_MAX}, got ${integer}.`);
  }
  return integer;
}

// ---------------------------------------------------------------------------------------------
// JSON helpers

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key]));
}

/** JSON with object keys sorted: equal for deep-equal values. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function describe(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (value === null) return type;
  const json = safeJson(value);
  return `${type} ${json.length > 80 ? `${json.slice(0, 80)}…` : json}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
