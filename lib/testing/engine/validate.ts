import { MAX_RETRY_DELAY_SECONDS } from '../../asl/definition';
import { compilePath, compileReferencePath, looksLikePath } from './json-path';

/**
 * How serious a diagnostic is: an `ERROR` means Step Functions refuses the definition, a
 * `WARNING` points at something that is legal but probably not what was meant.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export type ValidationSeverity = 'ERROR' | 'WARNING';

/**
 * One problem found in a definition, shaped like the diagnostics of Step Functions'
 * `ValidateStateMachineDefinition`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinitionDiagnostic.html
 */
export interface ValidationDiagnostic {
  /** `ERROR` (Step Functions refuses the definition) or `WARNING`. */
  readonly severity: ValidationSeverity;
  /**
   * The API's code: `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `NO_DOLLAR`, ...
   * (see `validateDefinition` of `cdk-sfn-workflows/asl` for the full list).
   */
  readonly code: string;
  /** What is wrong, in words. */
  readonly message: string;
  /**
   * Where, as a JSON-pointer-like path with state names unescaped, e.g.
   * `/States/FailState/ErrorPath` or `/States/Map/ItemProcessor/States/Inner/Next`.
   * Absent when the problem concerns the whole definition.
   */
  readonly location?: string;
}

/**
 * Options of {@link validateDefinition}.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export interface ValidateDefinitionOptions {
  /**
   * The state machine type. `EXPRESS` refuses Task resources that wait (`.sync`, `.sync:2`,
   * `.waitForTaskToken`).
   * @default 'STANDARD'
   */
  readonly stateMachineType?: 'STANDARD' | 'EXPRESS';
  /**
   * How many Parallel/Map levels may enclose a state before `TOO_DEEPLY_NESTED` is reported.
   * @default DEFAULT_MAX_NESTING_DEPTH
   */
  readonly maxNestingDepth?: number;
}

/**
 * The nesting depth (Parallel/Map levels) beyond which a definition cannot fit in the 1 MB
 * that the Step Functions API accepts: each level takes at least 68 bytes
 * (`{"StartAt":"a","States":{"a":{"Type":"Map","End":true,"Iterator":` plus `}}}`).
 * AWS's own limit for `TOO_DEEPLY_NESTED` is undocumented, so nothing shallower is refused.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export const DEFAULT_MAX_NESTING_DEPTH = Math.floor(1_048_576 / 68);

/**
 * Checks an Amazon States Language definition before it runs, as Step Functions'
 * `ValidateStateMachineDefinition` does, and returns every problem found (an empty array
 * when there is none). Never throws: malformed input (not JSON, not an object, fields of the
 * wrong type, cycles) is itself reported.
 *
 * Error codes: `INVALID_JSON_DESCRIPTION`, `MISSING_DESCRIPTION`, `SCHEMA_VALIDATION_FAILED`,
 * `INVALID_RESOURCE`, `MISSING_END_STATE`, `DUPLICATE_STATE_NAME`, `INVALID_STATE_NAME`,
 * `MISSING_TRANSITION_TARGET`, `TOO_DEEPLY_NESTED`, `DUPLICATE_LABEL_NAME`. Warning codes:
 * `NO_DOLLAR`, `NO_PATH`, `PASS_RESULT_IS_STATIC`, and, for rules AWS is not documented to
 * enforce, `MISSING_TRANSITION_TARGET` (an unreachable state) and `INVALID_LABEL_NAME`.
 *
 * Strings holding `${...}` placeholders (CloudFormation `DefinitionSubstitutions`) are never
 * reported: their value is only known after substitution. The syntax of intrinsic functions
 * and JSONata expressions is left to their compilers.
 *
 * @param definition the definition: JSON text or the parsed object
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export function validateDefinition(definition: unknown, options: ValidateDefinitionOptions = {}): ValidationDiagnostic[] {
  const report = new Report();
  const parsed = parseDefinition(definition, report);
  if (parsed !== undefined) new MachineValidation(report, options).run(parsed);
  return report.diagnostics;
}

/**
 * Thrown before anything runs when a definition has errors. Its message lists each error as
 * `CODE at /location: message`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export class InvalidDefinitionError extends Error {
  /** Every diagnostic of the definition, warnings included. */
  public readonly diagnostics: readonly ValidationDiagnostic[];

  /** @param diagnostics every diagnostic of the definition; the message lists the errors among them. */
  constructor(diagnostics: readonly ValidationDiagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'ERROR');
    super(`Invalid state machine definition (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(formatDiagnostic).join('\n')}`);
    this.name = 'InvalidDefinitionError';
    this.diagnostics = diagnostics;
  }
}

/**
 * Validates a definition ({@link validateDefinition}) and throws when it has any error.
 *
 * @returns the warnings
 * @throws InvalidDefinitionError if any diagnostic is an `ERROR`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */
export function assertValidDefinition(definition: unknown, options: ValidateDefinitionOptions = {}): ValidationDiagnostic[] {
  const diagnostics = validateDefinition(definition, options);
  if (diagnostics.some((d) => d.severity === 'ERROR')) throw new InvalidDefinitionError(diagnostics);
  return diagnostics;
}

function formatDiagnostic(d: ValidationDiagnostic): string {
  return `${d.code}${d.location === undefined ? '' : ` at ${d.location}`}: ${d.message}`;
}

// ---------------------------------------------------------------------------------------
// Diagnostics and locations

type ErrorCode =
  | 'INVALID_JSON_DESCRIPTION'
  | 'MISSING_DESCRIPTION'
  | 'SCHEMA_VALIDATION_FAILED'
  | 'INVALID_RESOURCE'
  | 'MISSING_END_STATE'
  | 'DUPLICATE_STATE_NAME'
  | 'INVALID_STATE_NAME'
  | 'MISSING_TRANSITION_TARGET'
  | 'TOO_DEEPLY_NESTED'
  | 'DUPLICATE_LABEL_NAME';

type WarningCode = 'NO_DOLLAR' | 'NO_PATH' | 'PASS_RESULT_IS_STATIC' | 'MISSING_TRANSITION_TARGET' | 'INVALID_LABEL_NAME';

/**
 * A location as a chain of segments, rendered only when a diagnostic needs it: a state
 * nested 10,000 levels deep would otherwise cost a 300 KB string per level.
 */
interface Loc {
  readonly parent: Loc | undefined;
  readonly segment: string;
}

function at(parent: Loc | undefined, ...segments: Array<string | number>): Loc {
  let loc = parent;
  for (const segment of segments) loc = { parent: loc, segment: String(segment) };
  return loc as Loc;
}

function render(loc: Loc | undefined): string | undefined {
  if (!loc) return undefined;
  const segments: string[] = [];
  for (let l: Loc | undefined = loc; l; l = l.parent) segments.push(l.segment);
  return `/${segments.reverse().join('/')}`;
}

class Report {
  readonly diagnostics: ValidationDiagnostic[] = [];

  error(code: ErrorCode, loc: Loc | undefined, message: string): void {
    this.add('ERROR', code, loc, message);
  }

  warn(code: WarningCode, loc: Loc | undefined, message: string): void {
    this.add('WARNING', code, loc, message);
  }

  private add(severity: ValidationSeverity, code: string, loc: Loc | undefined, message: string): void {
    const location = render(loc);
    this.diagnostics.push(location === undefined ? { severity, code, message } : { severity, code, message, location });
  }
}

// ---------------------------------------------------------------------------------------
// Value helpers

type JsonObject = Record<string, unknown>;
type Language = 'JSONPath' | 'JSONata';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a field is present. A field holding `undefined` is absent, as in JSON. */
function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
}

/** The fields of an object as JSON sees them (no `undefined` values). */
function entries(object: JsonObject): Array<[string, unknown]> {
  const result: Array<[string, unknown]> = [];
  for (const key of Object.keys(object)) if (object[key] !== undefined) result.push([key, object[key]]);
  return result;
}

function keys(object: JsonObject): string[] {
  return Object.keys(object).filter((key) => object[key] !== undefined);
}

/** A string with a `${...}` placeholder: its value is only known after substitution. */
function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]*\}/.test(value);
}

function isJsonataExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

function isIntrinsicCall(value: string): boolean {
  return /^States\.[A-Za-z0-9_.]+\(/.test(value);
}

/** Length in characters (code points), not UTF-16 units: the laxer reading of "80 characters". */
function codePointLength(text: string): number {
  return Array.from(text).length;
}

function parseDefinition(definition: unknown, report: Report): unknown {
  if (definition === undefined || definition === null) {
    report.error('MISSING_DESCRIPTION', undefined, 'The definition is empty.');
    return undefined;
  }
  if (typeof definition !== 'string') return definition;
  if (definition.trim() === '') {
    report.error('MISSING_DESCRIPTION', undefined, 'The definition is empty.');
    return undefined;
  }
  try {
    return JSON.parse(definition);
  } catch (error) {
    report.error('INVALID_JSON_DESCRIPTION', undefined, `The definition is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Visits every object inside a JSON value (the value itself included, arrays looked through)
 * without recursion, so depth costs no stack; a cyclic object is visited once.
 */
function forEachObject(root: unknown, rootLoc: Loc, visit: (object: JsonObject, loc: Loc) => void): void {
  const seen = new WeakSet<object>();
  const pending: Array<{ value: unknown; loc: Loc }> = [{ value: root, loc: rootLoc }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, loc } = next;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const children: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : entries(value as JsonObject);
    if (!Array.isArray(value)) visit(value as JsonObject, loc);
    for (let i = children.length - 1; i >= 0; i--) pending.push({ value: children[i][1], loc: at(loc, children[i][0]) });
  }
}

// ---------------------------------------------------------------------------------------
// Field tables

/** Which fields an object may have: in both query languages, or in one only. */
interface FieldTable {
  readonly both: ReadonlySet<string>;
  readonly jsonPath: ReadonlySet<string>;
  readonly jsonata: ReadonlySet<string>;
}

function fields(both: string[], jsonPath: string[] = [], jsonata: string[] = []): FieldTable {
  return { both: new Set(both), jsonPath: new Set(jsonPath), jsonata: new Set(jsonata) };
}

const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
type StateType = (typeof STATE_TYPES)[number];

const EVERY_STATE = ['Type', 'Comment', 'QueryLanguage'];
const TRANSITION = ['Next', 'End'];

/** Legal state fields per type and query language (facts file §1, the ASL spec). */
const STATE_FIELDS: Record<StateType, FieldTable> = {
  Pass: fields([...EVERY_STATE, ...TRANSITION, 'Assign', 'Result'], ['InputPath', 'Parameters', 'ResultPath', 'OutputPath'], ['Output']),
  Task: fields(
    [...EVERY_STATE, ...TRANSITION, 'Resource', 'Credentials', 'TimeoutSeconds', 'HeartbeatSeconds', 'Retry', 'Catch', 'Assign'],
    ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'],
    ['Arguments', 'Output'],
  ),
  Choice: fields([...EVERY_STATE, 'Choices', 'Default', 'Assign'], ['InputPath', 'OutputPath'], ['Output']),
  Wait: fields([...EVERY_STATE, ...TRANSITION, 'Seconds', 'Timestamp', 'Assign'], ['InputPath', 'OutputPath', 'SecondsPath', 'TimestampPath'], ['Output']),
  Succeed: fields(EVERY_STATE, ['InputPath', 'OutputPath'], ['Output']),
  Fail: fields([...EVERY_STATE, 'Error', 'Cause'], ['ErrorPath', 'CausePath']),
  Parallel: fields(
    [...EVERY_STATE, ...TRANSITION, 'Branches', 'Retry', 'Catch', 'Assign'],
    ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath'],
    ['Arguments', 'Output'],
  ),
  Map: fields(
    [
      ...EVERY_STATE, ...TRANSITION, 'ItemProcessor', 'Iterator', 'ItemSelector', 'MaxConcurrency', 'ToleratedFailurePercentage',
      'ToleratedFailureCount', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'Label', 'Retry', 'Catch', 'Assign',
    ],
    [
      'InputPath', 'ItemsPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'MaxConcurrencyPath',
      'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath',
    ],
    ['Items', 'Output'],
  ),
};

const NEEDS_TRANSITION: ReadonlySet<string> = new Set(['Task', 'Pass', 'Wait', 'Parallel', 'Map']);

const ROOT_FIELDS = fields(['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage']);
const RETRIER_FIELDS = fields(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCHER_FIELDS = fields(['ErrorEquals', 'Next', 'Assign', 'Comment'], ['ResultPath'], ['Output']);

/** Choice comparison operators (JSONPath) and what their operand must be. */
type Operand = 'string' | 'number' | 'timestamp' | 'boolean' | 'path';
const OPERATORS: ReadonlyMap<string, Operand> = (() => {
  const operators = new Map<string, Operand>();
  for (const comparison of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) {
    for (const [kind, operand] of [['String', 'string'], ['Numeric', 'number'], ['Timestamp', 'timestamp']] as const) {
      operators.set(`${kind}${comparison}`, operand);
      operators.set(`${kind}${comparison}Path`, 'path');
    }
  }
  operators.set('BooleanEquals', 'boolean').set('BooleanEqualsPath', 'path').set('StringMatches', 'string');
  for (const test of ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) operators.set(test, 'boolean');
  return operators;
})();
const BOOLEAN_RULES = ['And', 'Or', 'Not'];
const JSONPATH_RULE_FIELDS = ['Variable', ...OPERATORS.keys(), ...BOOLEAN_RULES];
const TOP_RULE_FIELDS = fields(['Next', 'Assign', 'Comment'], JSONPATH_RULE_FIELDS, ['Condition', 'Output']);
// Only top-level rules carry Next (facts §6).
const NESTED_RULE_FIELDS = fields(['Assign', 'Comment'], JSONPATH_RULE_FIELDS);

/** A field and its `…Path` form, never both. */
const EXCLUSIVE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
];

const WAIT_FIELDS = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'];
const MAX_NAME_LENGTH = 80;
const MAX_LABEL_LENGTH = 40;
const LABEL_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

// ---------------------------------------------------------------------------------------
// The machine and its scopes (top level, Parallel branches, Map item processors)

type ScopeKind = 'root' | 'branch' | 'processor';

interface Scope {
  readonly container: unknown;
  readonly loc: Loc | undefined;
  readonly kind: ScopeKind;
  readonly depth: number;
}

/** What a state's checks need to know. */
interface StateContext {
  readonly machine: MachineValidation;
  readonly report: Report;
  readonly language: Language;
  /** The `States` of the state's own scope: transitions stay inside it. */
  readonly scopeStates: JsonObject;
  readonly state: JsonObject;
  readonly loc: Loc;
  /** Nested scopes found in this state, checked after the current scope. */
  readonly nested: Scope[];
  readonly depth: number;
}

class MachineValidation {
  private readonly stateNames = new Map<string, Loc>();
  private readonly labels = new Map<string, Loc>();
  private readonly seenContainers = new WeakSet<object>();
  private machineLanguage: Language = 'JSONPath';
  private readonly maxDepth: number;

  constructor(
    readonly report: Report,
    readonly options: ValidateDefinitionOptions,
  ) {
    this.maxDepth = options.maxNestingDepth ?? DEFAULT_MAX_NESTING_DEPTH;
  }

  run(definition: unknown): void {
    if (!isObject(definition)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', undefined, `The definition must be a JSON object, not ${describe(definition)}.`);
      return;
    }
    this.machineLanguage = this.rootLanguage(definition);
    const pending: Scope[] = [{ container: definition, loc: undefined, kind: 'root', depth: 0 }];
    for (let scope = pending.pop(); scope; scope = pending.pop()) {
      const nested = this.checkScope(scope);
      for (let i = nested.length - 1; i >= 0; i--) pending.push(nested[i]);
    }
  }

  /** The machine-wide language: states inherit it, not their enclosing Parallel or Map (facts §1). */
  private rootLanguage(definition: JsonObject): Language {
    const value = definition.QueryLanguage;
    if (value === undefined || isPlaceholder(value)) return 'JSONPath';
    if (value === 'JSONPath' || value === 'JSONata') return value;
    this.report.error('SCHEMA_VALIDATION_FAILED', at(undefined, 'QueryLanguage'), `QueryLanguage must be 'JSONPath' or 'JSONata', not ${describe(value)}.`);
    return 'JSONPath';
  }

  /** Checks one scope and returns the scopes nested in its states. */
  private checkScope(scope: Scope): Scope[] {
    const { container, loc, kind } = scope;
    if (!isObject(container)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', loc, `${SCOPE_NAMES[kind]} must be a JSON object, not ${describe(container)}.`);
      return [];
    }
    if (this.seenContainers.has(container)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', loc, `${SCOPE_NAMES[kind]} is the same object as another part of the definition (a cycle or a shared reference).`);
      return [];
    }
    this.seenContainers.add(container);
    this.checkScopeFields(container, scope);
    const states = container.States;
    if (!isObject(states)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', at(loc, 'States'), `States is required and must be a JSON object, not ${describe(states)}.`);
      checkStartAtType(this.report, container, loc);
      return [];
    }
    const nested: Scope[] = [];
    for (const [name, state] of entries(states)) this.checkNamedState(name, state, states, at(loc, 'States', name), scope, nested);
    this.checkStartAt(container, states, loc);
    checkTerminalState(this.report, states, loc);
    warnUnreachable(this.report, container.StartAt, states, loc);
    return nested;
  }

  /**
   * The top level's own fields. A branch or item processor may hold other fields than StartAt,
   * States, Comment and ProcessorConfig: which ones AWS refuses there is not documented.
   */
  private checkScopeFields(container: JsonObject, scope: Scope): void {
    if (scope.kind === 'processor' && has(container, 'ProcessorConfig')) checkProcessorConfig(this.report, container.ProcessorConfig, at(scope.loc, 'ProcessorConfig'));
    if (scope.kind !== 'root') return;
    for (const key of keys(container)) {
      if (!ROOT_FIELDS.both.has(key)) this.report.error('SCHEMA_VALIDATION_FAILED', undefined, `Field '${key}' is not supported.`);
    }
    checkNumberField(this.report, 'JSONPath', container, 'TimeoutSeconds', undefined, { min: 0, integer: true, text: 'a non-negative integer' });
    if (has(container, 'Version') && typeof container.Version !== 'string') {
      this.report.error('SCHEMA_VALIDATION_FAILED', at(undefined, 'Version'), 'Version must be a string.');
    }
  }

  private checkStartAt(container: JsonObject, states: JsonObject, loc: Loc | undefined): void {
    if (!checkStartAtType(this.report, container, loc)) return;
    const startAt = container.StartAt as string;
    if (!isPlaceholder(startAt) && !has(states, startAt)) {
      this.report.error('MISSING_TRANSITION_TARGET', at(loc, 'StartAt'), `Missing 'Next' target: ${startAt}`);
    }
  }

  private checkNamedState(name: string, state: unknown, scopeStates: JsonObject, loc: Loc, scope: Scope, nested: Scope[]): void {
    this.checkStateName(name, loc);
    if (!isObject(state)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', loc, `A state must be a JSON object, not ${describe(state)}.`);
      return;
    }
    const type = state.Type;
    if (isPlaceholder(type)) return;
    if (!STATE_TYPES.includes(type as StateType)) {
      this.report.error('SCHEMA_VALIDATION_FAILED', at(loc, 'Type'), `Type must be one of ${STATE_TYPES.join(', ')}, not ${describe(type)}.`);
      return;
    }
    const language = this.stateLanguage(state, loc);
    const context: StateContext = { machine: this, report: this.report, language, scopeStates, state, loc, nested, depth: scope.depth };
    checkState(context, type as StateType);
  }

  private checkStateName(name: string, loc: Loc): void {
    const first = this.stateNames.get(name);
    if (first) {
      this.report.error('DUPLICATE_STATE_NAME', loc, `State name '${name}' is already used at ${render(first)}: state names are unique across the whole state machine.`);
    } else {
      this.stateNames.set(name, loc);
    }
    if (!isPlaceholder(name) && codePointLength(name) > MAX_NAME_LENGTH) {
      this.report.error('INVALID_STATE_NAME', loc, `State name is ${codePointLength(name)} characters long; the limit is ${MAX_NAME_LENGTH}.`);
    }
  }

  private stateLanguage(state: JsonObject, loc: Loc): Language {
    const value = state.QueryLanguage;
    if (value === undefined || isPlaceholder(value)) return this.machineLanguage;
    if (value !== 'JSONPath' && value !== 'JSONata') {
      this.report.error('SCHEMA_VALIDATION_FAILED', at(loc, 'QueryLanguage'), `QueryLanguage must be 'JSONPath' or 'JSONata', not ${describe(value)}.`);
      return this.machineLanguage;
    }
    if (value === 'JSONPath' && this.machineLanguage === 'JSONata') {
      this.report.error('SCHEMA_VALIDATION_FAILED', loc, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
    }
    return value;
  }

  /** Queues a Parallel branch or Map item processor, unless it lies too deep. */
  addNested(context: StateContext, container: unknown, loc: Loc, kind: ScopeKind): void {
    const depth = context.depth + 1;
    if (depth > this.maxDepth) {
      this.report.error('TOO_DEEPLY_NESTED', loc, `Parallel and Map states are nested more than ${this.maxDepth} levels deep.`);
      return;
    }
    context.nested.push({ container, loc, kind, depth });
  }

  registerLabel(label: string, loc: Loc): void {
    const first = this.labels.get(label);
    if (first) this.report.error('DUPLICATE_LABEL_NAME', loc, `Label '${label}' is already used at ${render(first)}: Map labels are unique within a state machine.`);
    else this.labels.set(label, loc);
  }

  get express(): boolean {
    return this.options.stateMachineType === 'EXPRESS';
  }
}

const SCOPE_NAMES: Record<ScopeKind, string> = { root: 'The definition', branch: 'A Parallel branch', processor: 'A Map item processor' };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 60)}...` : value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Whether StartAt is a string (reported if not). */
function checkStartAtType(report: Report, container: JsonObject, loc: Loc | undefined): boolean {
  if (typeof container.StartAt === 'string') return true;
  report.error('SCHEMA_VALIDATION_FAILED', at(loc, 'StartAt'), `StartAt is required and must be a state name, not ${describe(container.StartAt)}.`);
  return false;
}

function isTerminal(state: unknown): boolean {
  return isObject(state) && (state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true);
}

/** AWS counts any terminal state, reachable or not (a loop plus an unreachable end is not MISSING_END_STATE). */
function checkTerminalState(report: Report, states: JsonObject, loc: Loc | undefined): void {
  const names = keys(states);
  if (names.length > 0 && !names.some((name) => isTerminal(states[name]))) {
    report.error('MISSING_END_STATE', loc, 'Workflow has no terminal state: no Succeed or Fail state and no state with "End": true.');
  }
}

function transitionTargets(state: unknown): string[] {
  if (!isObject(state)) return [];
  const targets = [state.Next, state.Default];
  for (const list of [state.Choices, state.Catch]) {
    if (Array.isArray(list)) for (const item of list) if (isObject(item)) targets.push(item.Next);
  }
  return targets.filter((t): t is string => typeof t === 'string');
}

/**
 * An unreachable state. AWS reports it as MISSING_TRANSITION_TARGET (third-party captures),
 * but the facts file lists it as UNKNOWN, so it is only a warning here.
 */
function warnUnreachable(report: Report, startAt: unknown, states: JsonObject, loc: Loc | undefined): void {
  if (typeof startAt !== 'string' || !has(states, startAt)) return;
  const names = keys(states);
  if (names.some(isPlaceholder)) return;
  const reached = new Set<string>([startAt]);
  const pending = [startAt];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const target of transitionTargets(states[name])) {
      if (isPlaceholder(target)) return;
      if (has(states, target) && !reached.has(target)) {
        reached.add(target);
        pending.push(target);
      }
    }
  }
  for (const name of names) {
    if (!reached.has(name)) report.warn('MISSING_TRANSITION_TARGET', at(loc, 'States', name), `State "${name}" is not reachable.`);
  }
}

function checkProcessorConfig(report: Report, config: unknown, loc: Loc): void {
  if (!isObject(config)) {
    report.error('SCHEMA_VALIDATION_FAILED', loc, 'ProcessorConfig must be a JSON object.');
    return;
  }
  checkEnum(report, config, 'Mode', ['INLINE', 'DISTRIBUTED'], loc);
  checkEnum(report, config, 'ExecutionType', ['STANDARD', 'EXPRESS'], loc);
}

function checkEnum(report: Report, object: JsonObject, key: string, allowed: string[], loc: Loc): void {
  const value = object[key];
  if (value === undefined || isPlaceholder(value) || allowed.includes(value as string)) return;
  report.error('SCHEMA_VALIDATION_FAILED', at(loc, key), `${key} must be one of ${allowed.join(', ')}, not ${describe(value)}.`);
}

// ---------------------------------------------------------------------------------------
// States

function checkState(context: StateContext, type: StateType): void {
  const table = STATE_FIELDS[type];
  checkFieldsAllowed(context.report, context.state, context.loc, table, context.language);
  for (const key of keys(context.state)) {
    const legal = table.both.has(key) || (context.language === 'JSONPath' ? table.jsonPath : table.jsonata).has(key);
    if (legal) FIELD_CHECKS[key]?.(context, context.state[key], at(context.loc, key));
  }
  STATE_CHECKS[type](context);
  checkExclusivePairs(context);
  if (NEEDS_TRANSITION.has(type)) checkNextOrEnd(context);
}

/**
 * Reports each field the table does not allow: at the field when the other query language
 * allows it, at the holder otherwise (as AWS locates them).
 */
function checkFieldsAllowed(report: Report, object: JsonObject, loc: Loc, table: FieldTable, language: Language): void {
  const [own, other] = language === 'JSONPath' ? [table.jsonPath, table.jsonata] : [table.jsonata, table.jsonPath];
  for (const key of keys(object)) {
    if (table.both.has(key) || own.has(key)) continue;
    if (other.has(key)) reportOtherLanguageField(report, language, key, at(loc, key));
    else report.error('SCHEMA_VALIDATION_FAILED', loc, `Field '${key}' is not supported.`);
  }
}

function reportOtherLanguageField(report: Report, language: Language, key: string, loc: Loc): void {
  const other = language === 'JSONPath' ? 'JSONata' : 'JSONPath';
  report.error('SCHEMA_VALIDATION_FAILED', loc, `The QueryLanguage is set to '${language}', but field '${key}' is only supported for the '${other}' QueryLanguage`);
}

type FieldCheck = (context: StateContext, value: unknown, loc: Loc) => void;

const STATE_CHECKS: Record<StateType, (context: StateContext) => void> = {
  Task: (c) => requireField(c, 'Resource'),
  Pass: () => undefined,
  Choice: (c) => requireField(c, 'Choices'),
  Wait: checkWaitDuration,
  Succeed: () => undefined,
  Fail: () => undefined,
  Parallel: (c) => requireField(c, 'Branches'),
  Map: (c) => {
    if (!has(c.state, 'ItemProcessor') && !has(c.state, 'Iterator')) {
      c.report.error('SCHEMA_VALIDATION_FAILED', c.loc, 'A Map state needs an ItemProcessor (or the legacy Iterator).');
    }
  },
};

function requireField(context: StateContext, key: string): void {
  if (!has(context.state, key)) context.report.error('SCHEMA_VALIDATION_FAILED', context.loc, `Field '${key}' is required.`);
}

function checkWaitDuration(context: StateContext): void {
  const present = WAIT_FIELDS.filter((key) => has(context.state, key));
  if (present.length !== 1) {
    const found = present.length === 0 ? 'none is set' : `${present.join(' and ')} are set`;
    context.report.error('SCHEMA_VALIDATION_FAILED', context.loc, `A Wait state needs exactly one of ${WAIT_FIELDS.join(', ')}; ${found}.`);
  }
}

function checkExclusivePairs(context: StateContext): void {
  for (const [field, pathField] of EXCLUSIVE_PAIRS) {
    if (has(context.state, field) && has(context.state, pathField)) {
      context.report.error('SCHEMA_VALIDATION_FAILED', at(context.loc, field), `There should only be one of the following fields: [${field}, ${pathField}]`);
    }
  }
  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = context.state;
  if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
    context.report.error('SCHEMA_VALIDATION_FAILED', at(context.loc, 'HeartbeatSeconds'), `HeartbeatSeconds (${heartbeat}) must be smaller than TimeoutSeconds (${timeout}).`);
  }
}

function checkNextOrEnd(context: StateContext): void {
  const hasNext = has(context.state, 'Next');
  const ends = context.state.End === true;
  if (hasNext && ends) context.report.error('SCHEMA_VALIDATION_FAILED', context.loc, "A state cannot have both 'Next' and 'End': true.");
  if (!hasNext && !ends) context.report.error('SCHEMA_VALIDATION_FAILED', context.loc, "A state needs either 'Next' or 'End': true.");
}

/** A transition target: a state of the same scope (branch or item processor). */
function checkTarget(context: StateContext, value: unknown, loc: Loc, field = 'Next'): void {
  if (typeof value !== 'string') {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${field} must be a state name, not ${describe(value)}.`);
  } else if (!isPlaceholder(value) && !has(context.scopeStates, value)) {
    context.report.error('MISSING_TRANSITION_TARGET', loc, `Missing '${field}' target: ${value}`);
  }
}

// ---------------------------------------------------------------------------------------
// Field checks, by field name (run only for fields legal in the state's type and language)

interface NumberRule {
  readonly min: number;
  readonly integer: boolean;
  readonly max?: number;
  /** How the rule reads in a message: "a positive integer". */
  readonly text: string;
}

const POSITIVE_INTEGER: NumberRule = { min: 1, integer: true, text: 'a positive integer' };
const NON_NEGATIVE_INTEGER: NumberRule = { min: 0, integer: true, text: 'a non-negative integer' };

function numberAcceptable(value: unknown, rule: NumberRule, language: Language): boolean {
  if (isPlaceholder(value) || (language === 'JSONata' && isJsonataExpression(value))) return true;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  return value >= rule.min && (rule.max === undefined || value <= rule.max);
}

function numberCheck(rule: NumberRule): FieldCheck {
  return (context, value, loc) => {
    if (!numberAcceptable(value, rule, context.language)) {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be ${rule.text}${context.language === 'JSONata' ? ' or a JSONata expression' : ''}, not ${describe(value)}.`);
    }
  };
}

function checkNumberField(report: Report, language: Language, object: JsonObject, key: string, loc: Loc | undefined, rule: NumberRule): void {
  if (has(object, key) && !numberAcceptable(object[key], rule, language)) {
    report.error('SCHEMA_VALIDATION_FAILED', at(loc, key), `${key} must be ${rule.text}, not ${describe(object[key])}.`);
  }
}

/** Parses a path; reports and returns false when it does not. */
function pathParses(report: Report, text: string, loc: Loc, compile: (text: string) => unknown): boolean {
  try {
    compile(text);
    return true;
  } catch (error) {
    report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} is not a valid path: ${(error as Error).message}`);
    return false;
  }
}

/** InputPath, OutputPath, Choice `Variable` and `…Path` operands: any JSONPath, or null where allowed. */
function pathCheck(allowNull: boolean): FieldCheck {
  return (context, value, loc) => {
    if ((allowNull && value === null) || isPlaceholder(value)) return;
    if (typeof value !== 'string') {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be a path${allowNull ? ' or null' : ''}, not ${describe(value)}.`);
      return;
    }
    pathParses(context.report, value, loc, compilePath);
  };
}

/**
 * A reference path (one node; facts §2). The spec and an older guide ban filters, a newer
 * guide accepts them (a CONFLICT), so a path whose only indefinite part is a filter passes.
 */
function compileReferencePathLeniently(text: string): unknown {
  try {
    return compileReferencePath(text, true);
  } catch (error) {
    if (text.includes('[?(')) return compilePath(text);
    throw error;
  }
}

function referencePathCheck(options: { allowNull?: boolean; allowContext?: boolean; allowIntrinsic?: boolean } = {}): FieldCheck {
  return (context, value, loc) => {
    if ((options.allowNull && value === null) || isPlaceholder(value)) return;
    if (typeof value !== 'string') {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be a reference path${options.allowNull ? ' or null' : ''}, not ${describe(value)}.`);
      return;
    }
    if (options.allowIntrinsic && value.startsWith('States.')) return;
    if (!pathParses(context.report, value, loc, compileReferencePathLeniently)) return;
    if (options.allowContext === false && value.startsWith('$$')) {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} cannot refer to the context object ($$).`);
    }
  };
}

function stringCheck(warnIfPath: boolean): FieldCheck {
  return (context, value, loc) => {
    if (context.language === 'JSONata' && isJsonataExpression(value)) return;
    if (typeof value !== 'string') {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be a string, not ${describe(value)}.`);
    } else if (warnIfPath && context.language === 'JSONPath') {
      warnNoPath(context, value, loc);
    }
  };
}

function warnNoPath(context: StateContext, value: string, loc: Loc): void {
  if (looksLikePath(value) && !isPlaceholder(value)) {
    context.report.warn('NO_PATH', loc, `'${value}' looks like a path, but ${loc.segment} takes it literally; use ${loc.segment}Path to read it.`);
  }
}

/**
 * A JSONPath payload template (Parameters, ResultSelector, ItemSelector, ...): every `.$`
 * value must be a string (a path is parsed here; an intrinsic by its own compiler), no two
 * keys may collide once `.$` is stripped, and a path-like value under a plain key is a
 * NO_DOLLAR warning.
 */
function checkTemplate(report: Report, template: unknown, loc: Loc): void {
  forEachObject(template, loc, (object, objectLoc) => {
    const present = new Set(keys(object));
    for (const [key, value] of entries(object)) {
      const keyLoc = at(objectLoc, key);
      if (key.endsWith('.$')) {
        checkDynamicValue(report, value, keyLoc);
        if (present.has(key.slice(0, -2))) report.error('SCHEMA_VALIDATION_FAILED', keyLoc, `Fields '${key}' and '${key.slice(0, -2)}' collide once '.$' is removed.`);
      } else if (typeof value === 'string' && !isPlaceholder(value) && (looksLikePath(value) || isIntrinsicCall(value))) {
        report.warn('NO_DOLLAR', keyLoc, `'${value}' looks like a path or intrinsic function, but the key '${key}' does not end in '.$', so it stays a literal string.`);
      }
    }
  });
}

function checkDynamicValue(report: Report, value: unknown, loc: Loc): void {
  if (isPlaceholder(value)) return;
  if (typeof value !== 'string') {
    report.error('SCHEMA_VALIDATION_FAILED', loc, `The value of '${loc.segment}' must be a path or an intrinsic function, not ${describe(value)}.`);
  } else if (value.startsWith('$')) {
    pathParses(report, value, loc, compilePath);
  }
}

const templateCheck: FieldCheck = (context, value, loc) => {
  if (context.language === 'JSONPath') checkTemplate(context.report, value, loc);
};

/** Assign: whole variable names only, never `states` (facts §4, §5). */
function checkAssign(context: StateContext, value: unknown, loc: Loc): void {
  if (context.language === 'JSONata' && isJsonataExpression(value)) return;
  if (!isObject(value)) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Assign must be a JSON object, not ${describe(value)}.`);
    return;
  }
  for (const key of keys(value)) {
    const name = context.language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    const problem = variableNameProblem(name);
    if (problem) context.report.error('SCHEMA_VALIDATION_FAILED', at(loc, key), `Variable name '${name}' is invalid: ${problem}.`);
  }
  if (context.language === 'JSONPath') checkTemplate(context.report, value, loc);
}

function variableNameProblem(name: string): string | undefined {
  if (isPlaceholder(name)) return undefined;
  if (name === '') return 'it is empty';
  if (name === 'states') return "'states' is reserved";
  if (/[.[\]]/.test(name)) return 'assign whole variables only (no "." or "[")';
  if (codePointLength(name) > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  // "Variable names must follow the rules for Unicode Identifiers" (workflow-variables.html).
  if (!VARIABLE_NAME.test(name)) return 'a variable name is a Unicode identifier: a letter or "_", then letters, digits or "_"';
  return undefined;
}

const VARIABLE_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

function checkPassResult(context: StateContext, value: unknown, loc: Loc): void {
  forEachObject(value, loc, (object, objectLoc) => {
    for (const key of keys(object)) {
      if (key.endsWith('.$')) {
        context.report.warn('PASS_RESULT_IS_STATIC', at(objectLoc, key), `A Pass state's Result is static: '${key}' is not evaluated. Use Parameters to build the result from paths.`);
      }
    }
  });
}

const ARN = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;
const WAITING_PATTERN = /\.(sync(:\d+)?|waitForTaskToken)$/;

function checkResource(context: StateContext, value: unknown, loc: Loc): void {
  if (typeof value !== 'string') {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Resource must be a string, not ${describe(value)}.`);
  } else if (!isPlaceholder(value) && !ARN.test(value)) {
    context.report.error('INVALID_RESOURCE', loc, `Resource '${value}' is not an ARN (Lambda function, activity or arn:<partition>:states:::<service>:<action>).`);
  } else if (context.machine.express && WAITING_PATTERN.test(value)) {
    const pattern = WAITING_PATTERN.exec(value)?.[0];
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Express state machine does not support '${pattern}' service integration: EXPRESS workflows use Request Response only.`);
  }
}

function checkEnd(context: StateContext, value: unknown, loc: Loc): void {
  if (typeof value !== 'boolean') context.report.error('SCHEMA_VALIDATION_FAILED', loc, `End must be true or false, not ${describe(value)}.`);
}

function checkBranches(context: StateContext, value: unknown, loc: Loc): void {
  if (!Array.isArray(value)) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Branches must be an array, not ${describe(value)}.`);
    return;
  }
  value.forEach((branch, index) => context.machine.addNested(context, branch, at(loc, index), 'branch'));
}

const processorCheck: FieldCheck = (context, value, loc) => context.machine.addNested(context, value, loc, 'processor');

function checkLabel(context: StateContext, value: unknown, loc: Loc): void {
  if (isPlaceholder(value)) return;
  if (typeof value !== 'string') {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Label must be a string, not ${describe(value)}.`);
    return;
  }
  context.machine.registerLabel(value, loc);
  // The Developer Guide's rule (≤ 40 characters, no whitespace or special characters) is
  // UNKNOWN in the facts file: a warning, not an error.
  if (codePointLength(value) > MAX_LABEL_LENGTH || LABEL_FORBIDDEN.test(value)) {
    context.report.warn('INVALID_LABEL_NAME', loc, `Label '${value}' should have at most ${MAX_LABEL_LENGTH} characters and no whitespace or special characters.`);
  }
}

/**
 * ItemReader, ResultWriter, ItemBatcher and ReaderConfig: fields of the other query language,
 * Path forms, templates. Fields not listed are tolerated (these objects gain fields over time).
 */
function subObjectCheck(spec: { jsonPathOnly: string[]; jsonataOnly: string[]; pairs: Array<[string, string]>; templates: string[] }): FieldCheck {
  return (context, value, loc) => {
    if (context.language === 'JSONata' && isJsonataExpression(value)) return;
    if (!isObject(value)) {
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be a JSON object, not ${describe(value)}.`);
      return;
    }
    const otherOnly = context.language === 'JSONPath' ? spec.jsonataOnly : spec.jsonPathOnly;
    for (const [key, field] of entries(value)) {
      if (otherOnly.includes(key)) reportOtherLanguageField(context.report, context.language, key, at(loc, key));
      else if (spec.jsonPathOnly.includes(key) && key.endsWith('Path')) referencePathCheck()(context, field, at(loc, key));
    }
    checkPairs(context, value, loc, spec.pairs);
    for (const key of spec.templates) if (has(value, key)) templateCheck(context, value[key], at(loc, key));
    if (has(value, 'ReaderConfig')) readerConfigCheck(context, value.ReaderConfig, at(loc, 'ReaderConfig'));
  };
}

function checkPairs(context: StateContext, object: JsonObject, loc: Loc, pairs: Array<[string, string]>): void {
  for (const [field, pathField] of pairs) {
    if (has(object, field) && has(object, pathField)) {
      context.report.error('SCHEMA_VALIDATION_FAILED', at(loc, field), `There should only be one of the following fields: [${field}, ${pathField}]`);
    }
  }
}

const readerConfigCheck = subObjectCheck({ jsonPathOnly: ['MaxItemsPath'], jsonataOnly: [], pairs: [['MaxItems', 'MaxItemsPath']], templates: [] });

const FIELD_CHECKS: Record<string, FieldCheck | undefined> = {
  Next: (c, v, l) => checkTarget(c, v, l),
  End: checkEnd,
  InputPath: pathCheck(true),
  OutputPath: pathCheck(true),
  ResultPath: referencePathCheck({ allowNull: true, allowContext: false }),
  ItemsPath: referencePathCheck(),
  SecondsPath: referencePathCheck(),
  TimestampPath: referencePathCheck(),
  TimeoutSecondsPath: referencePathCheck(),
  HeartbeatSecondsPath: referencePathCheck(),
  MaxConcurrencyPath: referencePathCheck(),
  ToleratedFailureCountPath: referencePathCheck(),
  ToleratedFailurePercentagePath: referencePathCheck(),
  ErrorPath: referencePathCheck({ allowIntrinsic: true }),
  CausePath: referencePathCheck({ allowIntrinsic: true }),
  Parameters: templateCheck,
  ResultSelector: templateCheck,
  ItemSelector: templateCheck,
  Credentials: templateCheck,
  Assign: checkAssign,
  Result: checkPassResult,
  Resource: checkResource,
  TimeoutSeconds: numberCheck(POSITIVE_INTEGER),
  HeartbeatSeconds: numberCheck(POSITIVE_INTEGER),
  Seconds: numberCheck({ min: 0, integer: false, text: 'a non-negative number' }),
  Timestamp: stringCheck(true),
  Error: stringCheck(true),
  Cause: stringCheck(true),
  MaxConcurrency: numberCheck(NON_NEGATIVE_INTEGER),
  ToleratedFailureCount: numberCheck(NON_NEGATIVE_INTEGER),
  ToleratedFailurePercentage: numberCheck({ min: 0, max: 100, integer: false, text: 'a number from 0 to 100' }),
  Choices: checkChoices,
  Default: (c, v, l) => checkTarget(c, v, l, 'Default'),
  Branches: checkBranches,
  ItemProcessor: processorCheck,
  Iterator: processorCheck,
  Label: checkLabel,
  Retry: checkRetriers,
  Catch: checkCatchers,
  ItemReader: subObjectCheck({ jsonPathOnly: ['Parameters'], jsonataOnly: ['Arguments'], pairs: [], templates: ['Parameters'] }),
  ResultWriter: subObjectCheck({ jsonPathOnly: ['Parameters'], jsonataOnly: ['Arguments'], pairs: [], templates: ['Parameters'] }),
  ItemBatcher: subObjectCheck({
    jsonPathOnly: ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath'],
    jsonataOnly: [],
    pairs: [['MaxItemsPerBatch', 'MaxItemsPerBatchPath'], ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath']],
    templates: ['BatchInput'],
  }),
};

// ---------------------------------------------------------------------------------------
// Retry and Catch

const RETRIER_NUMBERS: ReadonlyArray<readonly [string, NumberRule]> = [
  ['IntervalSeconds', { min: 1, max: 99_999_999, integer: true, text: 'an integer from 1 to 99999999' }],
  ['MaxAttempts', { min: 0, max: 99_999_999, integer: true, text: 'an integer from 0 to 99999999' }],
  ['BackoffRate', { min: 1, integer: false, text: 'a number of at least 1.0' }],
  ['MaxDelaySeconds', { min: 1, max: MAX_RETRY_DELAY_SECONDS, integer: true, text: `an integer from 1 to ${MAX_RETRY_DELAY_SECONDS}` }],
];

interface Handler {
  readonly handler: JsonObject;
  readonly loc: Loc;
  readonly last: boolean;
}

/** The objects of a Retry or Catch array (anything else is reported). */
function handlerList(context: StateContext, value: unknown, loc: Loc, what: string): Handler[] {
  if (!Array.isArray(value)) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} must be an array of ${what}s, not ${describe(value)}.`);
    return [];
  }
  const handlers: Handler[] = [];
  value.forEach((handler, index) => {
    if (isObject(handler)) handlers.push({ handler, loc: at(loc, index), last: index === value.length - 1 });
    else context.report.error('SCHEMA_VALIDATION_FAILED', at(loc, index), `A ${what} must be a JSON object, not ${describe(handler)}.`);
  });
  return handlers;
}

function checkRetriers(context: StateContext, value: unknown, loc: Loc): void {
  for (const { handler: retrier, loc: retrierLoc, last } of handlerList(context, value, loc, 'retrier')) {
    checkFieldsAllowed(context.report, retrier, retrierLoc, RETRIER_FIELDS, context.language);
    checkErrorEquals(context, retrier, retrierLoc, last);
    for (const [key, rule] of RETRIER_NUMBERS) checkNumberField(context.report, context.language, retrier, key, retrierLoc, rule);
    checkEnum(context.report, retrier, 'JitterStrategy', ['FULL', 'NONE'], retrierLoc);
  }
}

function checkCatchers(context: StateContext, value: unknown, loc: Loc): void {
  for (const { handler: catcher, loc: catcherLoc, last } of handlerList(context, value, loc, 'catcher')) {
    checkFieldsAllowed(context.report, catcher, catcherLoc, CATCHER_FIELDS, context.language);
    checkErrorEquals(context, catcher, catcherLoc, last);
    if (has(catcher, 'Next')) checkTarget(context, catcher.Next, at(catcherLoc, 'Next'));
    else context.report.error('SCHEMA_VALIDATION_FAILED', catcherLoc, "A catcher needs 'Next'.");
    if (context.language === 'JSONPath' && has(catcher, 'ResultPath')) FIELD_CHECKS.ResultPath?.(context, catcher.ResultPath, at(catcherLoc, 'ResultPath'));
    if (has(catcher, 'Assign')) checkAssign(context, catcher.Assign, at(catcherLoc, 'Assign'));
  }
}

/** ErrorEquals: a non-empty array of names; States.ALL alone and in the last handler. */
function checkErrorEquals(context: StateContext, handler: JsonObject, loc: Loc, last: boolean): void {
  const names = handler.ErrorEquals;
  const namesLoc = at(loc, 'ErrorEquals');
  if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string')) {
    context.report.error('SCHEMA_VALIDATION_FAILED', has(handler, 'ErrorEquals') ? namesLoc : loc, 'ErrorEquals is required and must be a non-empty array of error names.');
    return;
  }
  if (!names.includes('States.ALL')) return;
  if (names.length > 1) context.report.error('SCHEMA_VALIDATION_FAILED', namesLoc, "'States.ALL' must appear alone in ErrorEquals.");
  if (!last) context.report.error('SCHEMA_VALIDATION_FAILED', namesLoc, "'States.ALL' must be in the last retrier or catcher.");
}

// ---------------------------------------------------------------------------------------
// Choice rules

function checkChoices(context: StateContext, value: unknown, loc: Loc): void {
  if (!Array.isArray(value) || value.length === 0) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Choices must be a non-empty array of rules, not ${Array.isArray(value) ? 'an empty array' : describe(value)}.`);
    return;
  }
  value.forEach((rule, index) => checkTopLevelRule(context, rule, at(loc, index)));
}

function checkTopLevelRule(context: StateContext, rule: unknown, loc: Loc): void {
  if (!isObject(rule)) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `A Choice rule must be a JSON object, not ${describe(rule)}.`);
    return;
  }
  checkFieldsAllowed(context.report, rule, loc, TOP_RULE_FIELDS, context.language);
  if (has(rule, 'Next')) checkTarget(context, rule.Next, at(loc, 'Next'));
  else context.report.error('SCHEMA_VALIDATION_FAILED', loc, "A Choice rule needs 'Next'.");
  if (has(rule, 'Assign')) checkAssign(context, rule.Assign, at(loc, 'Assign'));
  if (context.language === 'JSONata') checkCondition(context, rule, loc);
  else checkComparisons(context, rule, loc);
}

function checkCondition(context: StateContext, rule: JsonObject, loc: Loc): void {
  const condition = rule.Condition;
  if (!has(rule, 'Condition')) context.report.error('SCHEMA_VALIDATION_FAILED', loc, "A JSONata Choice rule needs 'Condition'.");
  else if (typeof condition !== 'boolean' && typeof condition !== 'string') {
    context.report.error('SCHEMA_VALIDATION_FAILED', at(loc, 'Condition'), `Condition must be a JSONata expression or a boolean, not ${describe(condition)}.`);
  }
}

/** A JSONPath rule and the rules nested in its And/Or/Not, without recursion. */
function checkComparisons(context: StateContext, topRule: JsonObject, topLoc: Loc): void {
  const pending: Array<{ rule: JsonObject; loc: Loc }> = [{ rule: topRule, loc: topLoc }];
  const seen = new WeakSet<object>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { rule, loc } = next;
    if (seen.has(rule)) continue;
    seen.add(rule);
    if (rule !== topRule) checkFieldsAllowed(context.report, rule, loc, NESTED_RULE_FIELDS, 'JSONPath');
    const operators = keys(rule).filter((key) => OPERATORS.has(key) || BOOLEAN_RULES.includes(key));
    if (operators.length !== 1) {
      const problem = operators.length === 0 ? 'has no comparison operator (or And, Or, Not)' : `has ${operators.length} (${operators.join(', ')})`;
      context.report.error('SCHEMA_VALIDATION_FAILED', loc, `Each Choice Rule must have exactly one comparison operator; this one ${problem}.`);
    }
    for (const operator of operators) pending.push(...checkOperator(context, rule, operator, loc));
  }
}

/** Checks one operator of a rule; returns the nested rules of And/Or/Not. */
function checkOperator(context: StateContext, rule: JsonObject, operator: string, loc: Loc): Array<{ rule: JsonObject; loc: Loc }> {
  const value = rule[operator];
  const operatorLoc = at(loc, operator);
  if (operator === 'Not') {
    if (isObject(value)) return [{ rule: value, loc: operatorLoc }];
    context.report.error('SCHEMA_VALIDATION_FAILED', operatorLoc, `Not must hold one Choice rule, not ${describe(value)}.`);
    return [];
  }
  if (operator === 'And' || operator === 'Or') {
    if (!Array.isArray(value) || value.length === 0) {
      context.report.error('SCHEMA_VALIDATION_FAILED', operatorLoc, `${operator} must be a non-empty array of Choice rules.`);
      return [];
    }
    const nested: Array<{ rule: JsonObject; loc: Loc }> = [];
    value.forEach((child, index) => {
      if (isObject(child)) nested.push({ rule: child, loc: at(operatorLoc, index) });
      else context.report.error('SCHEMA_VALIDATION_FAILED', at(operatorLoc, index), `A Choice rule must be a JSON object, not ${describe(child)}.`);
    });
    return nested.reverse();
  }
  if (has(rule, 'Variable')) pathCheck(false)(context, rule.Variable, at(loc, 'Variable'));
  else context.report.error('SCHEMA_VALIDATION_FAILED', loc, `A Choice rule with ${operator} needs 'Variable'.`);
  checkOperand(context, OPERATORS.get(operator) as Operand, value, operatorLoc);
  return [];
}

const OPERAND_TYPES: Record<Exclude<Operand, 'path'>, string> = { string: 'string', number: 'number', timestamp: 'string', boolean: 'boolean' };

function checkOperand(context: StateContext, operand: Operand, value: unknown, loc: Loc): void {
  if (isPlaceholder(value)) return;
  if (operand === 'path') {
    pathCheck(false)(context, value, loc);
  } else if (typeof value !== OPERAND_TYPES[operand] || (operand === 'number' && !Number.isFinite(value))) {
    context.report.error('SCHEMA_VALIDATION_FAILED', loc, `${loc.segment} takes a ${operand === 'timestamp' ? 'timestamp string' : operand}, not ${describe(value)}.`);
  } else if (typeof value === 'string') {
    warnNoPath(context, value, loc);
  }
}
