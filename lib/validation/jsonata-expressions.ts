import type { AslDefinition, AslState } from '../asl/definition';
import { isJsonataExpression, isJsonObject, JsonObject } from '../asl/json-value';
import type { JsonataNode } from '../asl/jsonata-ast';

/** A state with where it sits: its location and its variable scope. */
export interface ScopedState {
  readonly name: string;
  readonly state: AslState;
  /** `/States/<name>`, or deeper for a state in a branch or item processor. */
  readonly location: string;
  /** The language the state uses: its own `QueryLanguage`, else the top level's, else JSONPath. */
  readonly language: 'JSONPath' | 'JSONata';
  /** The definition (top level, branch, item processor) holding the state: a variable scope. */
  readonly scope: number;
}

/** A variable scope: the top level, a Parallel branch or a Map item processor. */
export interface VariableScope {
  readonly definition: AslDefinition;
  /** The scope and state that hold this one (undefined for the top level). */
  readonly parent?: { readonly scope: number; readonly stateName: string };
}

/** The states of a definition and its scopes, found without recursion. */
export interface ScopedDefinition {
  readonly states: ScopedState[];
  readonly scopes: VariableScope[];
}

/**
 * Every state of a definition with its location, language and variable scope. Walks without
 * recursion; entries that are not JSON objects are left out (the schema check reports them).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export function scopedStates(definition: AslDefinition): ScopedDefinition {
  const machineLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  const states: ScopedState[] = [];
  const scopes: VariableScope[] = [];
  const pending: Array<{ definition: AslDefinition; path: string; parent?: VariableScope['parent'] }> = [{ definition, path: '' }];
  while (pending.length > 0) {
    const container = pending.pop()!;
    const scope = scopes.push({ definition: container.definition, parent: container.parent }) - 1;
    if (!isJsonObject(container.definition.States)) continue;
    for (const [name, state] of Object.entries(container.definition.States)) {
      if (!isJsonObject(state)) continue;
      const location = `${container.path}/States/${name}`;
      const own = state.QueryLanguage;
      const language = own === 'JSONata' || own === 'JSONPath' ? own : machineLanguage;
      states.push({ name, state: state as AslState, location, language, scope });
      const parent = { scope, stateName: name };
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, index) => {
          if (isJsonObject(branch)) pending.push({ definition: branch as AslDefinition, path: `${location}/Branches/${index}`, parent });
        });
      } else if (state.Type === 'Map') {
        const key = isJsonObject(state.ItemProcessor) ? 'ItemProcessor' : isJsonObject(state.Iterator) ? 'Iterator' : undefined;
        if (key) pending.push({ definition: state[key] as AslDefinition, path: `${location}/${key}`, parent });
      }
    }
  }
  return { states, scopes };
}

/** Which optional `$states` members an expression may read where it is written. */
export type StatesAccess = 'result' | 'errorOutput' | 'none';

/** One `{% %}` expression of a JSONata state. */
export interface LocatedExpression {
  readonly stateName: string;
  /** Where it is, e.g. `/States/Charge/Catch/0/Output`. */
  readonly location: string;
  /** The field as AWS names it in causes, relative to the state: `Output`, `Catch/0/Assign/x`. */
  readonly field: string;
  /** The text between `{%` and `%}`, trimmed. */
  readonly expression: string;
  /** `$states.result` may be read (Output and Assign of a Task, Parallel or Map), `$states.errorOutput` (a catcher's), or neither. */
  readonly access: StatesAccess;
}

/** Fields that never hold an expression, or hold nested states (checked as states of their own). */
const SKIPPED_FIELDS = new Set(['Type', 'Next', 'End', 'Comment', 'QueryLanguage', 'Branches', 'ItemProcessor', 'Iterator', 'Resource', 'Retry', 'Catch', 'Choices', 'Default']);

const RESULT_STATES = new Set(['Task', 'Parallel', 'Map']);

/**
 * Every `{% %}` expression of a JSONata state: in its fields at any depth, in its catchers'
 * `Output` and `Assign`, and in its Choice rules' `Condition`, `Output` and `Assign`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function expressionsOf(scoped: ScopedState): LocatedExpression[] {
  const { state, name, location } = scoped;
  const found: LocatedExpression[] = [];
  const collect = (value: unknown, field: string, access: StatesAccess) => {
    for (const { value: text, path } of stringsIn(value, field)) {
      if (isJsonataExpression(text)) found.push({ stateName: name, location: `${location}/${path}`, field: path, expression: text.slice(2, -2).trim(), access });
    }
  };
  for (const [key, value] of Object.entries(state)) {
    if (SKIPPED_FIELDS.has(key)) continue;
    collect(value, key, (key === 'Output' || key === 'Assign') && RESULT_STATES.has(state.Type) ? 'result' : 'none');
  }
  forEachEntry(state.Catch, (catcher, index) => {
    for (const key of ['Output', 'Assign']) if (key in catcher) collect(catcher[key], `Catch/${index}/${key}`, 'errorOutput');
  });
  forEachEntry(state.Choices, (rule, index) => {
    for (const key of ['Condition', 'Output', 'Assign']) if (key in rule) collect(rule[key], `Choices/${index}/${key}`, 'none');
  });
  return found;
}

/** The names a state assigns: in its `Assign`, its catchers' and its Choice rules'. */
export function assignedNames(state: AslState): string[] {
  const names: string[] = [];
  const add = (assign: unknown) => {
    if (isJsonObject(assign)) names.push(...Object.keys(assign).map((key) => key.replace(/\.\$$/, '')));
  };
  add(state.Assign);
  forEachEntry(state.Catch, (catcher) => add(catcher.Assign));
  forEachEntry(state.Choices, (rule) => add(rule.Assign));
  return names;
}

/** The states a state can go to next: Next, Default, each Choice rule's and each catcher's Next. */
export function successorsOf(state: AslState): string[] {
  const next: string[] = [];
  for (const target of [state.Next, state.Default]) if (typeof target === 'string') next.push(target);
  forEachEntry(state.Choices, (rule) => typeof rule.Next === 'string' && next.push(rule.Next));
  forEachEntry(state.Catch, (catcher) => typeof catcher.Next === 'string' && next.push(catcher.Next));
  return next;
}

function forEachEntry(list: unknown, visit: (entry: JsonObject, index: number) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    if (isJsonObject(entry)) visit(entry, index);
  });
}

/** Every string in a JSON value with its path (`Arguments/Payload/x`, `Items/0`), without recursion. */
function stringsIn(root: unknown, rootPath: string): Array<{ value: string; path: string }> {
  const found: Array<{ value: string; path: string }> = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value: root, path: rootPath }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') found.push({ value, path });
    else if (Array.isArray(value)) value.forEach((item, index) => pending.push({ value: item, path: `${path}/${index}` }));
    else if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) pending.push({ value: item, path: `${path}/${key}` });
  }
  return found;
}

/** What jsonata made of an expression. */
export type ParsedJsonata =
  | { readonly ok: true; readonly ast: JsonataNode }
  | { readonly ok: false; readonly code: string; readonly position: number; readonly message: string };


const parsed = new Map<string, ParsedJsonata>();
const PARSE_CACHE_LIMIT = 5000;

/**
 * Parses an expression with the `jsonata` package (the reference implementation, which Step
 * Functions' syntax follows), loaded on first use: importing the library must not load it.
 */
export function parseJsonata(expression: string): ParsedJsonata {
  const cached = parsed.get(expression);
  if (cached) return cached;
  // Loaded here, at synth or lint: the construct entry point must not load jsonata.
  const jsonata = require('jsonata') as typeof import('jsonata');
  let result: ParsedJsonata;
  try {
    result = { ok: true, ast: jsonata(expression).ast() as unknown as JsonataNode };
  } catch (thrown) {
    const error = thrown as { code?: string; position?: number; message?: string };
    result = { ok: false, code: error.code ?? 'S0000', position: error.position ?? 0, message: error.message ?? String(thrown) };
  }
  if (parsed.size >= PARSE_CACHE_LIMIT) parsed.clear();
  parsed.set(expression, result);
  return result;
}

