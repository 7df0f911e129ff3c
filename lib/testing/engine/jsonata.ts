import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { JsonataNode, walkJsonata } from '../../asl/jsonata-ast';
import { States, StatesError } from './errors';
import type { RandomSource } from './random';

/*
 * JSONata evaluation with Step Functions' semantics: `{% %}` detection, `$states`, variables, the six
 * functions Step Functions adds, `$eval` withdrawn, AWS's error causes, and results turned into the
 * JSON values AWS passes between states.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */

/**
 * The `$states` fields of one evaluation. `context` is not here: it comes from the scope, and only
 * when the expression can read it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export interface JsonataStates {
  /** `$states.input`: the state's raw input (a JSON value). */
  readonly input: unknown;
  /** `$states.result`: a Task, Parallel or Map result; absent when `undefined`. */
  readonly result?: unknown;
  /** `$states.errorOutput`: `{Error, Cause}` in a Catcher; absent when `undefined`. */
  readonly errorOutput?: unknown;
}

/**
 * What an evaluation reads besides `$states` and the variables. An engine `EvaluationScope` fits;
 * the optional members add virtual time and the state the cause names.
 */
export interface JsonataScope {
  /** `$states.context`: called only when the expression can read the context object. */
  context(): Record<string, unknown>;
  /** The execution's randomness: `$random()` without a seed and `$uuid()`. */
  readonly random: RandomSource;
  /**
   * The engine clock in epoch milliseconds, for `$now()` and `$millis()` (read once per evaluation).
   *
   * @default - the wall clock (`Date.now()`)
   */
  now?(): number;
  /**
   * The state being executed. With `enteredEventId`, causes start as AWS's do:
   * `An error occurred while executing the state '<name>' (entered at the event id #<id>). `
   *
   * @default - causes start at `The JSONata expression ...`
   */
  readonly stateName?: string;
  /** The id of the state's `*StateEntered` history event (see `stateName`). */
  readonly enteredEventId?: number;
}

/**
 * Variables visible to an expression, by name without `$`. Inner scopes may be
 * `Object.create(outer)`: names are read through the prototype chain. Values are JSON values.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export type JsonataVariables = Readonly<Record<string, unknown>>;

/** A JSON type name as AWS writes it in "unexpected result type" causes. */
export type JsonTypeName = 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null';

/**
 * An expression that does not parse (AWS refuses such a definition at creation,
 * `INVALID_JSONATA_EXPRESSION`). The message names the field, the jsonata code and the position.
 */
export class JsonataSyntaxError extends Error {
  constructor(
    /** The expression between the delimiters, trimmed. */
    public readonly expression: string,
    /** The field the expression was written in (`Output/a/b[0]`). */
    public readonly field: string,
    /** jsonata's error code (`S0202`, ...). */
    public readonly code: string,
    /** 0-based character offset in `expression` where jsonata stopped. */
    public readonly position: number,
    detail: string,
  ) {
    super(`The JSONata expression '${expression}' specified for the field '${field}' is invalid: ${code} at position ${position}: ${detail}`);
    this.name = 'JsonataSyntaxError';
  }
}

/**
 * `States.QueryEvaluationError` raised by an expression: a runtime error, an undefined result, a
 * result that is not JSON, or a result of the wrong type. `location` and `state` are what AWS puts
 * in the `EvaluationFailed` history event.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export class JsonataEvaluationError extends StatesError {
  constructor(
    cause: string,
    /** The field the expression was written in (`Output/result`). */
    public readonly location: string,
    /** The expression between the delimiters, trimmed. */
    public readonly expression: string,
    /** The state name, when the scope gave one. */
    public readonly state?: string,
  ) {
    super(States.QueryEvaluationError, cause);
  }
}

/**
 * Whether `value` is a JSONata expression: a string that starts with `{%` and ends with `%}`,
 * nothing outside them (`" {% $x %} "` is a literal on AWS), any spacing inside (`{%$x%}`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** Options of {@link compileJsonata}. */
export interface CompileJsonataOptions {
  /**
   * Return `undefined` for an expression that yields nothing instead of failing.
   *
   * @default false - an undefined result raises `States.QueryEvaluationError`, as AWS does for every field
   */
  readonly allowUndefined?: boolean;
}

/**
 * Compiles one `{% %}` expression (once: evaluations reuse it). `field` names it in causes, as AWS
 * does: `Output`, `Output/a/b[0]`, `Assign/x`, `Items`, `Choices[1]/Condition`.
 *
 * @throws JsonataSyntaxError when the expression does not parse
 * @throws Error when `text` is not a `{% %}` expression
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function compileJsonata(text: string, field: string, options: CompileJsonataOptions = {}): CompiledJsonata {
  if (!isJsonataExpression(text)) throw new Error(`Not a JSONata expression (expected '{% ... %}'): ${JSON.stringify(text)}`);
  return new CompiledJsonata(text.slice(2, -2).trim(), field, options);
}

/**
 * A compiled expression.
 *
 * `evaluate` returns the value itself when the expression is a plain path (`$states.input.a.b`,
 * `$var.x`) over objects, and a Promise otherwise (jsonata is asynchronous). Failures are thrown
 * synchronously or rejected, always as {@link JsonataEvaluationError}.
 *
 * Results are JSON values: jsonata sequences become plain arrays, `-0` becomes `0`, non-finite
 * numbers become the strings `"Infinity"`, `"-Infinity"`, `"NaN"`. Parts of the input, the
 * variables or the context may be returned by reference: treat results as immutable.
 */
export class CompiledJsonata {
  /** Whether an evaluation can read `$states.context` (so the scope's `context()` is called). */
  public readonly readsContext: boolean;
  /** The `$names` the expression reads (variables, functions, lambda parameters), without `$`. */
  public readonly names: readonly string[];

  private readonly parsed: ParsedExpression;
  private readonly allowUndefined: boolean;

  /**
   * Prefer {@link compileJsonata}, which takes the `{% %}` string.
   *
   * @throws JsonataSyntaxError when the expression does not parse
   */
  constructor(
    /** The expression between the delimiters, trimmed (as AWS quotes it in causes). */
    public readonly expression: string,
    /** The field the expression was written in. */
    public readonly field: string,
    options: CompileJsonataOptions = {},
  ) {
    this.parsed = parse(expression, field);
    this.allowUndefined = options.allowUndefined ?? false;
    this.readsContext = this.parsed.readsContext;
    this.names = this.parsed.names;
  }

  /**
   * Evaluates with `$states` (input, result and errorOutput when defined, context when read) and
   * the variables.
   *
   * @throws JsonataEvaluationError (`States.QueryEvaluationError`), synchronously or as a rejection
   */
  evaluate(states: JsonataStates, scope: JsonataScope, variables?: JsonataVariables): unknown | Promise<unknown> {
    const path = this.parsed.path;
    if (path !== undefined) {
      const value = readPath(path, states, scope, variables);
      if (value !== SLOW) return this.checked(value, scope);
    }
    return this.evaluateSlowly(states, scope, variables);
  }

  /**
   * The error AWS raises when a result has the wrong JSON type for its field, e.g. `Items`:
   * `... returned an unexpected result type. Expected 'array', but was 'boolean' for value: true`.
   */
  unexpectedType(value: unknown, expected: JsonTypeName, scope: JsonataScope): JsonataEvaluationError {
    const detail = `returned an unexpected result type. Expected '${expected}', but was '${jsonTypeOf(value)}' for value: ${JSON.stringify(value)}`;
    return this.failure(detail, scope);
  }

  private async evaluateSlowly(states: JsonataStates, scope: JsonataScope, variables: JsonataVariables | undefined): Promise<unknown> {
    const bindings = bindingsFor(this.parsed, states, scope, variables);
    let value: unknown;
    try {
      value = await this.parsed.compiled.evaluate(undefined, bindings);
    } catch (thrown) {
      throw this.failure(`threw an error during evaluation${describeThrown(thrown)}`, scope);
    }
    // The $states members are JSON already: no need to walk them.
    if (value !== undefined && (value === states.input || value === states.result || value === states.errorOutput)) return value;
    return this.checked(toJsonValue(value), scope);
  }

  private checked(value: unknown, scope: JsonataScope): unknown {
    if (value === undefined) {
      if (this.allowUndefined) return undefined;
      throw this.failure('returned nothing (undefined).', scope);
    }
    if (value === UNSUPPORTED) throw this.failure('returned an unsupported result type.', scope);
    return value;
  }

  private failure(detail: string, scope: JsonataScope): JsonataEvaluationError {
    const where =
      scope.stateName !== undefined && scope.enteredEventId !== undefined
        ? `An error occurred while executing the state '${scope.stateName}' (entered at the event id #${scope.enteredEventId}). `
        : '';
    const cause = `${where}The JSONata expression '${this.expression}' specified for the field '${this.field}' ${detail}`;
    return new JsonataEvaluationError(cause, this.field, this.expression, scope.stateName);
  }
}

/**
 * A field value with `{% %}` strings at any depth (`Arguments`, `Output`, `Assign`, `Items`,
 * `ItemSelector`, ...), compiled once. Literal parts are built once and shared.
 */
export interface CompiledTemplate {
  /** True when the value holds no expression: `evaluate` returns the literal itself. */
  readonly isStatic: boolean;
  /** The expressions, in evaluation (document) order. */
  readonly expressions: readonly CompiledJsonata[];
  /** Whether an evaluation can read `$states.context`. */
  readonly readsContext: boolean;
  /**
   * The value with every expression replaced by its result, in document order; the first failing
   * expression fails the whole field. Returns the value itself when every expression is a plain
   * path (always when `isStatic`), else a Promise. An expression yielding nothing fails, at any
   * depth (AWS: `... specified for the field 'Output/result' returned nothing (undefined).`).
   *
   * @throws JsonataEvaluationError (`States.QueryEvaluationError`), synchronously or as a rejection
   */
  evaluate(states: JsonataStates, scope: JsonataScope, variables?: JsonataVariables): unknown | Promise<unknown>;
}

/**
 * Compiles a JSONata-mode field value (any JSON) whose strings may be `{% %}` expressions. `field`
 * is the field name; nested expressions are named `field/key` and `field[index]` in causes.
 *
 * @throws JsonataSyntaxError when an expression does not parse
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function compileJsonataTemplate(value: unknown, field: string): CompiledTemplate {
  const expressions: CompiledJsonata[] = [];
  const node = compileNode(value, field, expressions);
  const readsContext = expressions.some((expression) => expression.readsContext);
  if (node === undefined) {
    return { isStatic: true, expressions, readsContext, evaluate: () => value };
  }
  return { isStatic: false, expressions, readsContext, evaluate: node };
}

// ---------------------------------------------------------------------------------------------
// Templates

type Evaluator = (states: JsonataStates, scope: JsonataScope, variables: JsonataVariables | undefined) => unknown;

/** An evaluator for `value`, or undefined when it is a literal (holds no expression). */
function compileNode(value: unknown, field: string, expressions: CompiledJsonata[]): Evaluator | undefined {
  if (isJsonataExpression(value)) {
    const expression = compileJsonata(value, field);
    expressions.push(expression);
    return (states, scope, variables) => expression.evaluate(states, scope, variables);
  }
  if (Array.isArray(value)) {
    const children = value.map((item, index) => compileNode(item, `${field}[${index}]`, expressions));
    return children.some(Boolean) ? arrayEvaluator(value, children) : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const literals = keys.map((key) => (value as Record<string, unknown>)[key]);
    const children = keys.map((key, index) => compileNode(literals[index], `${field}/${key}`, expressions));
    return children.some(Boolean) ? objectEvaluator(keys, literals, children) : undefined;
  }
  return undefined;
}

function arrayEvaluator(literals: readonly unknown[], children: readonly (Evaluator | undefined)[]): Evaluator {
  return (states, scope, variables) => {
    const out = new Array<unknown>(children.length);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      const value = child === undefined ? literals[i] : child(states, scope, variables);
      if (value instanceof Promise) return finishArray(out, i, value, literals, children, states, scope, variables);
      out[i] = value;
    }
    return out;
  };
}

async function finishArray(
  out: unknown[],
  from: number,
  pending: Promise<unknown>,
  literals: readonly unknown[],
  children: readonly (Evaluator | undefined)[],
  states: JsonataStates,
  scope: JsonataScope,
  variables: JsonataVariables | undefined,
): Promise<unknown[]> {
  out[from] = await pending;
  for (let i = from + 1; i < children.length; i++) {
    const child = children[i];
    out[i] = child === undefined ? literals[i] : await child(states, scope, variables);
  }
  return out;
}

function objectEvaluator(keys: readonly string[], literals: readonly unknown[], children: readonly (Evaluator | undefined)[]): Evaluator {
  return (states, scope, variables) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const child = children[i];
      const value = child === undefined ? literals[i] : child(states, scope, variables);
      if (value instanceof Promise) return finishObject(out, i, value, keys, literals, children, states, scope, variables);
      setMember(out, keys[i], value);
    }
    return out;
  };
}

async function finishObject(
  out: Record<string, unknown>,
  from: number,
  pending: Promise<unknown>,
  keys: readonly string[],
  literals: readonly unknown[],
  children: readonly (Evaluator | undefined)[],
  states: JsonataStates,
  scope: JsonataScope,
  variables: JsonataVariables | undefined,
): Promise<Record<string, unknown>> {
  setMember(out, keys[from], await pending);
  for (let i = from + 1; i < keys.length; i++) {
    const child = children[i];
    setMember(out, keys[i], child === undefined ? literals[i] : await child(states, scope, variables));
  }
  return out;
}

function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  // A "__proto__" key (legal JSON) must stay a member, not replace the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

// ---------------------------------------------------------------------------------------------
// Parsing and static analysis (once per distinct expression text)

interface ParsedExpression {
  readonly compiled: jsonata.Expression;
  /** `$names` read, without `$` and without `states`. */
  readonly names: readonly string[];
  readonly readsStates: boolean;
  readonly readsContext: boolean;
  /** Whether a function that needs the scope (`$random`, `$uuid`, `$now`, `$millis`) may be called. */
  readonly needsHost: boolean;
  /** Set when the expression is `$root.name.name...`: evaluated without jsonata. */
  readonly path?: PlainPath;
}

interface PlainPath {
  readonly root: string;
  readonly names: readonly string[];
}

const PARSE_CACHE_LIMIT = 2000;
const parseCache = new Map<string, ParsedExpression>();

function parse(expression: string, field: string): ParsedExpression {
  const cached = parseCache.get(expression);
  if (cached !== undefined) return cached;
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(expression);
  } catch (thrown) {
    const error = thrown as Partial<jsonata.JsonataError>;
    throw new JsonataSyntaxError(expression, field, error.code ?? 'S0000', error.position ?? 0, error.message ?? String(thrown));
  }
  const parsed = analyse(compiled);
  if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
  parseCache.set(expression, parsed);
  return parsed;
}


const STATES_MEMBERS_WITHOUT_CONTEXT = new Set(['input', 'result', 'errorOutput']);
const HOST_FUNCTIONS = new Set(['random', 'uuid', 'now', 'millis']);

function analyse(compiled: jsonata.Expression): ParsedExpression {
  const ast = compiled.ast() as unknown as JsonataNode;
  const names = new Set<string>();
  let readsContext = false;
  const narrowStatesReads = new Set<unknown>();
  walkJsonata(ast, (node) => {
    if (node.type === 'path' && isNarrowStatesRead(node)) narrowStatesReads.add(node.steps![0]);
    if (node.type !== 'variable' || typeof node.value !== 'string' || !isNamedVariable(node.value)) return;
    names.add(node.value);
    // Any use of $states but `$states.input|result|errorOutput...` may reach the context object.
    if (node.value === 'states' && !narrowStatesReads.has(node)) readsContext = true;
  });
  const readsStates = names.delete('states');
  registerStepFunctionsFunctions(compiled, names);
  return {
    compiled,
    names: [...names],
    readsStates,
    readsContext,
    needsHost: [...names].some((name) => HOST_FUNCTIONS.has(name)),
    path: plainPathOf(ast),
  };
}


function isNarrowStatesRead(path: JsonataNode): boolean {
  const [first, second] = path.steps ?? [];
  return bareStepName(first, 'variable') === 'states' && STATES_MEMBERS_WITHOUT_CONTEXT.has(bareStepName(second, 'name') ?? '');
}

/** The name of a step with no predicate, binding, grouping or sort (only `type`, `value`, `position`). */
function bareStepName(step: JsonataNode | undefined, type: string): string | undefined {
  if (step === undefined || step.type !== type || typeof step.value !== 'string') return undefined;
  const bare = Object.keys(step).every((key) => key === 'type' || key === 'value' || key === 'position');
  return bare ? step.value : undefined;
}

function plainPathOf(ast: JsonataNode): PlainPath | undefined {
  const variable = bareStepName(ast, 'variable');
  if (variable !== undefined) return isNamedVariable(variable) ? { root: variable, names: [] } : undefined;
  if (ast.type !== 'path' || !Object.keys(ast).every((key) => key === 'type' || key === 'steps' || key === 'position')) return undefined;
  const [first, ...rest] = ast.steps ?? [];
  const root = bareStepName(first, 'variable');
  if (root === undefined || !isNamedVariable(root)) return undefined;
  const names = rest.map((step) => bareStepName(step, 'name'));
  return names.every((name): name is string => name !== undefined) ? { root, names } : undefined;
}

/** `$` is the context item and `$$` the root: not variables. */
function isNamedVariable(name: string): boolean {
  return name !== '' && name !== '$';
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Marks "let jsonata decide": the plain-path shortcut met something jsonata treats specially. */
const SLOW: unique symbol = Symbol('SLOW');
/** Marks a result that is not JSON (a function). */
const UNSUPPORTED: unique symbol = Symbol('UNSUPPORTED');

/** The binding that carries the scope to the added functions: no `$name` can spell it. */
const HOST_BINDING = ' host';

interface Host {
  readonly scope: JsonataScope;
  timestamp?: number;
}

/**
 * `$root.a.b` as jsonata evaluates it when every value before a name is a plain object: a missing
 * member or a scalar gives undefined. Arrays (jsonata maps over them), inherited members and
 * unbound roots go to jsonata.
 */
function readPath(path: PlainPath, states: JsonataStates, scope: JsonataScope, variables: JsonataVariables | undefined): unknown {
  let value: unknown;
  let from = 0;
  if (path.root === 'states') {
    if (path.names.length === 0) return SLOW;
    value = statesMember(path.names[0], states, scope);
    from = 1;
  } else {
    value = variableValue(variables, path.root);
    if (value === undefined) return SLOW;
  }
  for (let i = from; i < path.names.length; i++) {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) return SLOW;
    value = (value as Record<string, unknown>)[path.names[i]];
    if (value === undefined) return undefined;
    if (typeof value === 'function') return SLOW;
  }
  return value;
}

function statesMember(name: string, states: JsonataStates, scope: JsonataScope): unknown {
  switch (name) {
    case 'input':
      return states.input;
    case 'result':
      return states.result;
    case 'errorOutput':
      return states.errorOutput;
    case 'context':
      return scope.context();
    default:
      return undefined;
  }
}

/** A variable's value through the prototype chain; never Object.prototype's members. */
function variableValue(variables: JsonataVariables | undefined, name: string): unknown {
  if (variables === undefined || name === '__proto__') return undefined;
  const value = variables[name];
  return typeof value === 'function' ? undefined : value;
}

function bindingsFor(
  parsed: ParsedExpression,
  states: JsonataStates,
  scope: JsonataScope,
  variables: JsonataVariables | undefined,
): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  for (const name of parsed.names) {
    const value = variableValue(variables, name);
    if (value !== undefined) bindings[name] = value;
  }
  if (parsed.readsStates) bindings.states = statesBinding(states, scope, parsed.readsContext);
  if (parsed.needsHost) bindings[HOST_BINDING] = { scope } satisfies Host;
  return bindings;
}

function statesBinding(states: JsonataStates, scope: JsonataScope, withContext: boolean): Record<string, unknown> {
  const binding: Record<string, unknown> = { input: states.input };
  if (states.result !== undefined) binding.result = states.result;
  if (states.errorOutput !== undefined) binding.errorOutput = states.errorOutput;
  if (withContext) binding.context = scope.context();
  return binding;
}

/**
 * What follows "threw an error during evaluation" in AWS's cause: `. <code>: <message>` for a jsonata
 * error (recorded: `. T1006: Attempted to invoke a non-function`), `: <message>` for one without a
 * code (observed: `: Expression evaluation memory limit exceeded: ...`).
 */
function describeThrown(thrown: unknown): string {
  if (thrown !== null && typeof thrown === 'object') {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(thrown);
    return typeof code === 'string' ? `. ${code}: ${text}` : `: ${text}`;
  }
  return `: ${String(thrown)}`;
}

/**
 * The JSON value AWS passes on for a jsonata result, copying only what changes: sequences become
 * plain arrays, `-0` becomes `0`, non-finite numbers become their names (AWS writes `1/0` as
 * `"Infinity"`), undefined members are dropped and undefined items become null (as JSON.stringify
 * writes them). UNSUPPORTED when a function is inside.
 */
function toJsonValue(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return String(value);
      return value === 0 ? 0 : value;
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      if (value === null) return null;
      if (isJsonataFunction(value)) return UNSUPPORTED;
      return Array.isArray(value) ? arrayToJson(value) : objectToJson(value as Record<string, unknown>);
    default:
      return UNSUPPORTED;
  }
}

function isJsonataFunction(value: object): boolean {
  const marks = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marks._jsonata_lambda === true || marks._jsonata_function === true;
}

function arrayToJson(array: unknown[]): unknown {
  const marks = array as { sequence?: unknown; keepSingleton?: unknown; outerWrapper?: unknown; tupleStream?: unknown; cons?: unknown };
  const flagged = marks.sequence !== undefined || marks.keepSingleton !== undefined || marks.outerWrapper !== undefined || marks.tupleStream !== undefined || marks.cons !== undefined;
  let copy: unknown[] | undefined = flagged ? array.slice() : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const json = toJsonValue(item);
    if (json === UNSUPPORTED) return UNSUPPORTED;
    if (!Object.is(json, item) || json === undefined) {
      copy ??= array.slice();
      copy[i] = json === undefined ? null : json;
    }
  }
  return copy ?? array;
}

function objectToJson(object: Record<string, unknown>): unknown {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    const member = object[key];
    const json = toJsonValue(member);
    if (json === UNSUPPORTED) return UNSUPPORTED;
    if (Object.is(json, member) && json !== undefined) continue;
    copy ??= { ...object };
    if (json === undefined) delete copy[key];
    else setMember(copy, key, json);
  }
  return copy ?? object;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// ---------------------------------------------------------------------------------------------
// The functions Step Functions adds (and the one it removes)

type Focus = jsonata.Focus;

/** jsonata's code for errors a function raises itself (`$error`); the added functions use it too. */
const FUNCTION_ERROR = 'D3137';

/** AWS's bound on `$range`: 360,145 elements pass, one more fails (observed). */
const RANGE_LIMIT = 360_145;

interface AddedFunction {
  readonly signature: string;
  readonly implementation: (this: Focus, ...args: never[]) => unknown;
}

const ADDED_FUNCTIONS: ReadonlyMap<string, AddedFunction> = new Map([
  ['partition', { signature: '<an?:a>', implementation: partition }],
  ['range', { signature: '<nnn?:a>', implementation: range }],
  ['hash', { signature: '<ss?:s>', implementation: hash }],
  ['random', { signature: '<n?:n>', implementation: random }],
  ['uuid', { signature: '<:s>', implementation: uuid }],
  ['parse', { signature: '<s?:x>', implementation: parseJson }],
  ['now', { signature: '<s?s?:s>', implementation: now }],
  ['millis', { signature: '<:n>', implementation: millis }],
]);

/** Registers the added functions the expression names, and withdraws `$eval` (AWS: T1006). */
function registerStepFunctionsFunctions(compiled: jsonata.Expression, names: ReadonlySet<string>): void {
  for (const name of names) {
    const added = ADDED_FUNCTIONS.get(name);
    if (added !== undefined) compiled.registerFunction(name, added.implementation as (this: Focus, ...args: unknown[]) => unknown, added.signature);
  }
  if (names.has('eval')) compiled.assign('eval', undefined);
}

function functionError(message: string): { code: string; message: string } {
  return { code: FUNCTION_ERROR, message };
}

/** `$partition(array, size)`: chunks of `size` (truncated), the last one shorter. */
function partition(this: Focus, array: unknown[] | undefined, size?: number): unknown {
  if (array === undefined) return undefined;
  if (size === undefined) return array.length === 0 ? undefined : [array.slice()];
  const chunk = Math.trunc(size);
  if (chunk < 0) throw functionError('Second argument must be zero or greater');
  if (chunk === 0 || array.length === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += chunk) chunks.push(array.slice(i, i + chunk));
  return chunks;
}

/**
 * `$range(start, end, step)`: both ends inclusive, arguments truncated. A jsonata sequence, so one
 * element is returned bare (AWS: `$range(1, 9, 9)` is `1`) and none is undefined.
 */
function range(this: Focus, start: number | undefined, end: number | undefined, step?: number): unknown {
  if (start === undefined || end === undefined || step === undefined) return undefined;
  const first = Math.trunc(start);
  const last = Math.trunc(end);
  const delta = Math.trunc(step);
  if (delta === 0 || (last - first) * delta < 0) return undefined;
  const count = Math.floor((last - first) / delta) + 1;
  if (count > RANGE_LIMIT) throw { message: 'Expression evaluation memory limit exceeded: Check for excessive memory usage' };
  const sequence: unknown[] & { sequence?: boolean } = new Array<unknown>(count);
  for (let i = 0; i < count; i++) sequence[i] = first + i * delta;
  sequence.sequence = true;
  return sequence;
}

const HASH_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

/** `$hash(text, algorithm)`: lowercase hex digest of the UTF-8 bytes. */
function hash(this: Focus, text: string | undefined, algorithm?: string): unknown {
  if (text === undefined || algorithm === undefined) return undefined;
  const nodeAlgorithm = HASH_ALGORITHMS.get(algorithm);
  if (nodeAlgorithm === undefined) {
    throw functionError(`Unsupported hash algorithm '${algorithm}': use MD5, SHA-1, SHA-256, SHA-384 or SHA-512`);
  }
  return createHash(nodeAlgorithm).update(text, 'utf8').digest('hex');
}

/** `$random([seed])`: in [0, 1); seeded, the first `java.util.Random(seed).nextDouble()`, as on AWS. */
function random(this: Focus, seed?: number): number {
  if (seed === undefined) return hostOf(this)?.scope.random.next() ?? Math.random();
  return javaRandomFirstDouble(seed);
}

/** `$uuid()`: a version 4 UUID from the execution's random source. */
function uuid(this: Focus): string {
  const host = hostOf(this);
  if (host === undefined) throw functionError('$uuid() needs the execution scope');
  return host.scope.random.uuid();
}

/** `$parse(text)`: JSON text to a value (`$eval` replaced). */
function parseJson(this: Focus, text?: string): unknown {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw functionError('Invalid JSON');
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw functionError('Invalid JSON');
  return value;
}

/** `$now([picture [, timezone]])` on the engine clock, formatted as jsonata's own `$now` does. */
function now(this: Focus, picture?: string, timezone?: string): unknown {
  const fromMillis = this.environment.lookup('fromMillis') as { implementation: (this: Focus, ...args: unknown[]) => unknown };
  return fromMillis.implementation.call(this, timestampOf(this), picture, timezone);
}

/** `$millis()` on the engine clock. */
function millis(this: Focus): number {
  return timestampOf(this);
}

function hostOf(focus: Focus): Host | undefined {
  return focus.environment.lookup(HOST_BINDING) as Host | undefined;
}

/** One instant per evaluation, as jsonata's own `$now`/`$millis` promise. */
function timestampOf(focus: Focus): number {
  const host = hostOf(focus);
  if (host === undefined) return Date.now();
  host.timestamp ??= host.scope.now?.() ?? Date.now();
  return host.timestamp;
}

const JAVA_MULTIPLIER = 0x5deece66dn;
const JAVA_ADDEND = 0xbn;
const JAVA_MASK = (1n << 48n) - 1n;

/** `new java.util.Random(seed).nextDouble()`, the seed converted to a long as Java casts a double. */
function javaRandomFirstDouble(seed: number): number {
  let state = (javaLong(seed) ^ JAVA_MULTIPLIER) & JAVA_MASK;
  const next = (bits: number): number => {
    state = (state * JAVA_MULTIPLIER + JAVA_ADDEND) & JAVA_MASK;
    return Number(state >> BigInt(48 - bits));
  };
  const high = next(26);
  const low = next(27);
  return (high * 2 ** 27 + low) / 2 ** 53;
}

function javaLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= 2 ** 63) return 2n ** 63n - 1n;
  if (value <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(value));
}
