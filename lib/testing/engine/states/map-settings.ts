import { AslState } from '../../../asl/definition';
import { StatesError, States } from '../errors';
import { compileReferencePath } from '../json-path';
import { compileJsonataField, JsonataField } from '../jsonata-fields';
import { applyFilterPath, jsonText } from '../paths';
import { compilePayloadTemplate } from '../payload-template';
import { scopeOf, StateRun } from '../thread';
import { typeName } from './choice';
import { Tolerance } from './fan-out';

/** The item being processed, as `$$.Map.Item` shows it. */
export interface MapItem {
  readonly Index: number;
  readonly Value: unknown;
  readonly Key?: string;
  readonly Source?: string;
}

/** A Map state's fields about its items, compiled for its query language. */
export interface MapSettings {
  /** The items: ItemsPath over the selected input (JSONPath), Items (JSONata). */
  items(run: StateRun, selected: unknown): unknown[] | Promise<unknown[]>;
  /** An iteration's input: ItemSelector (or the legacy Parameters) with `$$.Map.Item`, else the item. */
  itemInput(run: StateRun, selected: unknown, item: MapItem): unknown | Promise<unknown>;
  /** MaxConcurrency: 0 for no limit. */
  maxConcurrency(run: StateRun, selected: unknown): number | Promise<number>;
  /** ToleratedFailureCount / ToleratedFailurePercentage, if either is set. */
  tolerance(run: StateRun, selected: unknown): Tolerance | undefined | Promise<Tolerance | undefined>;
}

type Setting<T> = (run: StateRun, selected: unknown) => T | Promise<T>;

/**
 * Compiles the item fields of a Map state.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html
 */
export function compileMapSettings(state: AslState, language: 'JSONPath' | 'JSONata'): MapSettings {
  return language === 'JSONata' ? jsonataSettings(state) : jsonPathSettings(state);
}

function jsonPathSettings(state: AslState): MapSettings {
  const itemsPath = compileReferencePath(typeof state.ItemsPath === 'string' ? state.ItemsPath : '$', true);
  const selectorField = state.ItemSelector ?? state.Parameters;
  const selector = selectorField === undefined ? undefined : compilePayloadTemplate(selectorField, state.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters');
  const count = numberSetting(state, 'ToleratedFailureCount', 'integer');
  const percentage = numberSetting(state, 'ToleratedFailurePercentage');
  return {
    items: (run, selected) => {
      const items = applyFilterPath(itemsPath, scopeOf(run, selected));
      if (!Array.isArray(items)) throw new StatesError(States.Runtime, `Map state input must be an array but was: ${jsonText(items)}`);
      return items;
    },
    itemInput: (run, selected, item) => (selector ? selector(scopeOf(run, selected, { ...run.state, mapItem: item })) : item.Value),
    maxConcurrency: (run, selected) => numberSetting(state, 'MaxConcurrency', 'integer')?.(run, selected) ?? 0,
    tolerance: (run, selected) => toleranceOf(count?.(run, selected) as number | undefined, percentage?.(run, selected) as number | undefined),
  };
}

/** An integer (or, `float`, any number) field or its `…Path` form (JSONPath). */
function numberSetting(state: AslState, field: string, kind: 'integer' | 'float' = 'float'): ((run: StateRun, selected: unknown) => number) | undefined {
  if (typeof state[field] === 'number') {
    const value = state[field] as number;
    return () => value;
  }
  const pathText = state[`${field}Path`];
  if (typeof pathText !== 'string') return undefined;
  const path = compileReferencePath(pathText, true);
  return (run, selected) => {
    const value = numeric(applyFilterPath(path, scopeOf(run, selected)));
    if (typeof value !== 'number' || (kind === 'integer' && !Number.isInteger(value))) throw notA(kind, `${field}Path`, value, pathText);
    return value;
  };
}

/** A number, or a string holding one (recorded in AWS: `"1"` is a valid MaxConcurrencyPath value). */
function numeric(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

function notA(kind: 'integer' | 'float', field: string, value: unknown, path: string): StatesError {
  const shown = typeof value === 'string' ? value : jsonText(value);
  return new StatesError(States.Runtime, `The ${field} field refers to value "${shown}" which is not a valid ${kind}: ${path}`);
}

/**
 * The tolerance of a Map: undefined when neither field is set.
 *
 * @throws StatesError `States.Runtime` for a negative count or a percentage outside 0–100.
 */
function toleranceOf(count: number | undefined, percentage: number | undefined): Tolerance | undefined {
  if (count !== undefined && count < 0) throw new StatesError(States.Runtime, 'ToleratedFailureCount cannot be negative.');
  if (percentage !== undefined && (percentage < 0 || percentage > 100)) throw new StatesError(States.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
  return count === undefined && percentage === undefined ? undefined : { count, percentage };
}

function jsonataSettings(state: AslState): MapSettings {
  const items = state.Items === undefined ? undefined : compileJsonataField(state.Items, 'Items');
  const selector = state.ItemSelector === undefined ? undefined : compileJsonataField(state.ItemSelector, 'ItemSelector');
  const maxConcurrency = jsonataNumber(state.MaxConcurrency, 'MaxConcurrency');
  const count = jsonataNumber(state.ToleratedFailureCount, 'ToleratedFailureCount');
  const percentage = jsonataNumber(state.ToleratedFailurePercentage, 'ToleratedFailurePercentage');
  return {
    items: async (run) => {
      const value = items ? await items.evaluate({ input: run.input }, run) : run.input;
      if (Array.isArray(value)) return value;
      if (items && state.Items !== undefined && typeof state.Items === 'string') {
        throw evaluationError(`The JSONata expression '${items.text}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${typeName(value)}' for value: ${jsonText(value)}`, 'Items');
      }
      throw new StatesError(States.QueryEvaluationError, `Map state input must be an array but was: ${jsonText(value)}`);
    },
    itemInput: (run, _selected, item) => {
      if (!selector) return item.Value;
      const itemRun: StateRun = { ...run, state: { ...run.state, mapItem: item } };
      return selector.evaluate({ input: run.input }, itemRun);
    },
    maxConcurrency: async (run) => (maxConcurrency ? await maxConcurrency(run, undefined) : 0) ?? 0,
    tolerance: async (run) => toleranceOf(count ? await count(run, undefined) : undefined, percentage ? await percentage(run, undefined) : undefined),
  };
}

function jsonataNumber(value: unknown, field: string): Setting<number> | undefined {
  if (value === undefined) return undefined;
  const compiled: JsonataField = compileJsonataField(value, field);
  return async (run) => {
    const result = await compiled.evaluate({ input: run.input }, run);
    if (typeof result !== 'number') {
      throw evaluationError(`The JSONata expression '${compiled.text}' specified for the field '${field}' returned an unexpected result type. Expected 'number', but was '${typeName(result)}' for value: ${jsonText(result)}`, field);
    }
    return result;
  };
}

function evaluationError(cause: string, location: string): StatesError {
  const error = new StatesError(States.QueryEvaluationError, cause);
  error.location = location;
  return error;
}
