import { AslDefinition } from '../asl/definition';
import { hasPlaceholder, isJsonObject, jsonDepth, JsonObject, ownField } from '../asl/json-value';
import { AjvError, aslSchemaValidators, CompiledSchema, STATE_TYPES } from './asl-validator-schemas';

/** Options of {@link checkAslSchema}. */
export interface AslSchemaOptions {
  /**
   * Also check the syntax of JSONPath expressions in payload templates. asl-validator is
   * stricter than Step Functions here (it rejects `$.[0]`, which Step Functions accepts).
   * @default true
   */
  readonly checkPaths?: boolean;
}

/** One error asl-validator's schema reports. */
export interface AslSchemaError {
  /** Always `SCHEMA_VALIDATION_FAILED`. */
  readonly code: string;
  /** What is wrong. */
  readonly message: string;
  /**
   * Where: the path from the top of the definition, field names and state names as written
   * (`/States/Charge/Retry/0/BackoffRate`); `/` for the definition itself.
   */
  readonly location: string;
}

/**
 * Checks a definition against asl-validator's Amazon States Language JSON schemas (JSONPath
 * and JSONata), with the corrections of `SCHEMA_CORRECTIONS` where they refuse what Step
 * Functions accepts. Never throws, whatever the input.
 *
 * Each state is checked on its own (its Parallel branches and Map item processor stand in as
 * empty shells, checked in turn), so the time is linear in the number of states and nesting
 * costs no stack: checked whole, asl-validator's schemas take time exponential in the nesting
 * depth (20 nested Parallel states: 4 s). A state whose JSON nests deeper than
 * {@link MAX_SCHEMA_DEPTH} levels is left to the other checks. A string holding a `${...}`
 * placeholder passes: its value is only known after substitution.
 *
 * @returns the errors (`CODE at location: message`); empty when the definition conforms.
 * @see https://github.com/ChristopheBougere/asl-validator
 * @see https://states-language.net/spec.html
 */
export function checkAslSchema(definition: AslDefinition, options: AslSchemaOptions = {}): string[] {
  return aslSchemaErrors(definition, options).map((error) => `${error.code} at ${error.location}: ${error.message}`);
}

/** The deepest JSON a state may have for the schema check (Ajv validates recursively). */
export const MAX_SCHEMA_DEPTH = 200;

const cache = new WeakMap<object, Map<boolean, AslSchemaError[]>>();

/** The errors of {@link checkAslSchema}, with their codes and locations. */
export function aslSchemaErrors(definition: unknown, options: AslSchemaOptions = {}): AslSchemaError[] {
  const checkPaths = options.checkPaths ?? true;
  if (typeof definition !== 'object' || definition === null) return schemaErrors(definition, checkPaths);
  const results = cache.get(definition) ?? new Map<boolean, AslSchemaError[]>();
  cache.set(definition, results);
  if (!results.has(checkPaths)) results.set(checkPaths, schemaErrors(definition, checkPaths));
  return results.get(checkPaths)!;
}

type Language = 'JSONPath' | 'JSONata';

/** A location as a chain of segments, shared by everything below it (flat arrays would cost time quadratic in the depth). */
interface Place {
  readonly parent?: Place;
  readonly segments: readonly string[];
}

function segmentsOf(place: Place | undefined): string[] {
  const parts: Array<readonly string[]> = [];
  for (let link = place; link; link = link.parent) parts.push(link.segments);
  return parts.reverse().flat();
}

/** A value to validate: the definition's top level, or one state. */
interface Target {
  readonly value: unknown;
  readonly place?: Place;
  /** `stateMachine`, or `<Type>:<language>` for a state. */
  readonly schema: string;
}

function schemaErrors(definition: unknown, checkPaths: boolean): AslSchemaError[] {
  const validators = aslSchemaValidators(checkPaths);
  const validatorOf = (key: string) => (key === 'stateMachine' ? validators.stateMachine : validators.byTypeAndLanguage.get(key)!);
  return schemaTargets(definition).flatMap((target) => validateTarget(validatorOf(target.schema), target));
}

/** The top level (its states as shells), then every state, depth first, without recursion. */
function schemaTargets(definition: unknown): Target[] {
  if (!isJsonObject(definition)) return [{ value: definition, schema: 'stateMachine' }];
  const machineLanguage = languageOf(definition.QueryLanguage) ?? 'JSONPath';
  const targets: Target[] = [{ value: containerShell(definition), schema: 'stateMachine' }];
  const pending: Array<{ container: JsonObject; place?: Place }> = [{ container: definition }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const states = ownField(next.container, 'States');
    if (!isJsonObject(states)) continue;
    for (const [name, state] of Object.entries(states)) {
      if (!isJsonObject(state)) continue;
      const place: Place = { parent: next.place, segments: ['States', name] };
      const language = stateLanguage(state, definition, machineLanguage);
      // A state of no known type is the definition check's to report ("Type must be one of ...").
      if (language && STATE_TYPES.includes(state.Type as (typeof STATE_TYPES)[number])) {
        targets.push({ value: stateCopy(state, language), place, schema: `${String(state.Type)}:${language}` });
      }
      pending.push(...nestedContainers(state, place));
    }
  }
  return targets;
}

/** The state's query language; undefined when a placeholder decides it (only known after substitution). */
function stateLanguage(state: JsonObject, definition: JsonObject, machineLanguage: Language): Language | undefined {
  const decidingValue = state.QueryLanguage ?? definition.QueryLanguage;
  if (hasPlaceholder(decidingValue)) return undefined;
  return languageOf(state.QueryLanguage) ?? machineLanguage;
}

function languageOf(value: unknown): Language | undefined {
  return value === 'JSONPath' || value === 'JSONata' ? value : undefined;
}

/** A state as asl-validator's schema expects it: with its QueryLanguage, and its nested states as shells. */
function stateCopy(state: JsonObject, language: Language): JsonObject {
  const copy: JsonObject = { ...state, QueryLanguage: state.QueryLanguage ?? language };
  if (Array.isArray(state.Branches)) copy.Branches = state.Branches.map(containerShell);
  for (const field of ['ItemProcessor', 'Iterator']) {
    if (ownField(state, field) !== undefined) copy[field] = containerShell(state[field]);
  }
  return copy;
}

function containerShell(container: unknown): unknown {
  return isJsonObject(container) && container.States !== undefined ? { ...container, States: shells(container.States) } : container;
}

/** A state that passes the schema, standing in for one checked on its own. */
const SHELL_STATE = Object.freeze({ Type: 'Succeed', QueryLanguage: 'JSONPath' });

/** The state names asl-validator's schema accepts (1–80 characters, no line break). */
const SCHEMA_STATE_NAME = /^.{1,80}$/u;

/**
 * A `States` object whose states are shells. A state name the schema's pattern refuses gets a
 * stand-in: how long a name may be is Workflow-StateNameLength's to say (in characters, with
 * placeholders left to substitution), and the definition check's.
 */
function shells(states: unknown): unknown {
  if (!isJsonObject(states)) return states;
  return Object.fromEntries(
    Object.entries(states).map(([name, state], index) => [SCHEMA_STATE_NAME.test(name) ? name : `state ${index}`, isJsonObject(state) ? SHELL_STATE : state]),
  );
}

function nestedContainers(state: JsonObject, place: Place): Array<{ container: JsonObject; place: Place }> {
  const found: Array<{ container: JsonObject; place: Place }> = [];
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, index) => {
      if (isJsonObject(branch)) found.push({ container: branch, place: { parent: place, segments: ['Branches', String(index)] } });
    });
  }
  if (state.Type === 'Map') {
    for (const field of ['ItemProcessor', 'Iterator']) {
      const processor = ownField(state, field);
      if (isJsonObject(processor)) found.push({ container: processor, place: { parent: place, segments: [field] } });
    }
  }
  return found.reverse();
}

function validateTarget(validate: CompiledSchema, target: Target): AslSchemaError[] {
  if (jsonDepth(target.value) > MAX_SCHEMA_DEPTH || validate(target.value)) return [];
  const relevant = (validate.errors ?? []).filter((error) => !aboutPlaceholder(target.value, error));
  return selectErrors(relevant).map(({ error, alternatives }) => ({
    code: 'SCHEMA_VALIDATION_FAILED',
    message: describeError(error, alternatives),
    location: renderLocation([...segmentsOf(target.place), ...pointerSegments(error.instancePath), ...fieldOf(error)]),
  }));
}

/** A missing or unexpected field is located at the field itself, as the definition check locates it. */
function fieldOf(error: AjvError): string[] {
  const field = error.keyword === 'required' ? error.params.missingProperty : error.keyword === 'additionalProperties' ? error.params.additionalProperty : undefined;
  return typeof field === 'string' ? [field] : [];
}

/**
 * asl-validator's choice among Ajv's errors: the deepest ones, and at a place where a `oneOf`
 * failed, that one, with what its alternatives said; each once.
 */
function selectErrors(errors: readonly AjvError[]): Array<{ error: AjvError; alternatives: AjvError[] }> {
  if (errors.length === 0) return [];
  const depth = (error: AjvError) => error.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  const selected = errors.filter((error) => depth(error) === deepest);
  const withOneOf = new Set(selected.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath));
  const kept = selected.filter((error) => error.keyword === 'oneOf' || !withOneOf.has(error.instancePath));
  return kept
    .filter((error, index) => kept.findIndex((other) => other.instancePath === error.instancePath && other.schemaPath === error.schemaPath) === index)
    .map((error) => ({ error, alternatives: error.keyword === 'oneOf' ? selected.filter((other) => other.keyword !== 'oneOf' && other.instancePath === error.instancePath) : [] }));
}

/** Whether an error is about a value (or a field name) holding a placeholder, which only substitution decides. */
function aboutPlaceholder(root: unknown, error: AjvError): boolean {
  if (hasPlaceholder(error.params.additionalProperty) || hasPlaceholder(error.params.propertyName)) return true;
  let value = root;
  for (const segment of pointerSegments(error.instancePath)) value = isJsonObject(value) || Array.isArray(value) ? (value as JsonObject)[segment] : undefined;
  return hasPlaceholder(value);
}

function describeError(error: AjvError, alternatives: readonly AjvError[] = []): string {
  const { params } = error;
  switch (error.keyword) {
    case 'additionalProperties':
      return `Field '${String(params.additionalProperty)}' is not allowed here (asl-validator).`;
    case 'required':
      return `Field '${String(params.missingProperty)}' is required here (asl-validator).`;
    case 'enum':
      return `Must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')} (asl-validator).`;
    case 'oneOf': {
      const options = [...new Set(alternatives.map((alternative) => describeError(alternative).replace(/ \(asl-validator\)\.$/, '')))];
      return options.length > 0
        ? `Matches none of the forms ASL allows here: ${options.join('; or ')} (asl-validator).`
        : 'Matches none of the forms ASL allows here (asl-validator).';
    }
    case 'format':
      return `Is not ${FORMAT_NAMES[String(params.format)] ?? `in the format ${String(params.format)}`} (asl-validator).`;
    default:
      return `${capitalize(error.message ?? 'is invalid')} (asl-validator).`;
  }
}

const FORMAT_NAMES: Record<string, string> = {
  asl_arn: 'an ARN',
  jsonata_string: 'a JSONata expression that compiles',
  asl_path: 'a valid JSONPath',
  asl_ref_path: 'a valid reference path',
  asl_result_path: 'a valid result path',
  asl_payload_template: 'a valid path or intrinsic function',
  'date-time': 'an RFC 3339 timestamp',
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The segments of an RFC 6901 JSON pointer, unescaped. */
function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A location as the lint reports it: `/States/Name/Field`, names as written; `/` for the whole definition. */
export function renderLocation(segments: readonly string[]): string {
  return segments.length === 0 ? '/' : `/${segments.join('/')}`;
}
