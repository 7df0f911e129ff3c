import { compileIntrinsic, isIntrinsic } from './intrinsics';
import { compilePath, looksLikePath } from './json-path';
import { requirePath } from './paths';
import { EvaluationScope } from './scope';

/** A compiled field: evaluates to the field's value for a scope. */
export type Evaluator = (scope: EvaluationScope) => unknown;

/**
 * Compiles a JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`,
 * `ItemReader.Parameters`, `ItemBatcher.BatchInput`, JSONPath `Assign`): at any depth, a key
 * ending in `.$` loses the suffix and its value, a path (`$.x`, `$$.x`, `$var`) or an
 * intrinsic function, is evaluated; everything else is copied as is. A template without
 * `.$` keys evaluates to itself (shared, so callers never change what they get).
 *
 * @param field the field's name, for error causes
 * @throws Error at compile time for a `.$` value that is neither a path nor an intrinsic, or
 * two keys that are the same once `.$` is removed.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */
export function compilePayloadTemplate(template: unknown, field: string): Evaluator {
  if (!isDynamic(template)) return () => template;
  if (Array.isArray(template)) {
    const items = template.map((item) => compilePayloadTemplate(item, field));
    return (scope) => items.map((item) => item(scope));
  }
  const entries = Object.entries(template as Record<string, unknown>).map(([key, value]) => compileEntry(key, value, field));
  const names = entries.map(([name]) => name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`${field} has the field '${duplicate}' twice (once with '.$').`);
  return (scope) => {
    const result: Record<string, unknown> = {};
    for (const [name, evaluate] of entries) result[name] = evaluate(scope);
    return result;
  };
}

function compileEntry(key: string, value: unknown, field: string): [string, Evaluator] {
  if (!key.endsWith('.$')) return [key, compilePayloadTemplate(value, field)];
  const name = key.slice(0, -2);
  return [name, compileDynamicValue(value, key)];
}

/**
 * Compiles the value of a `key.$` field: a path or an intrinsic function.
 *
 * @throws Error if the value is neither.
 */
export function compileDynamicValue(value: unknown, key: string): Evaluator {
  if (typeof value === 'string' && isIntrinsic(value)) return compileIntrinsic(value);
  if (typeof value === 'string' && looksLikePath(value)) {
    const path = compilePath(value);
    return (scope) => requirePath(path, scope, key);
  }
  throw new Error(`The value of '${key}' must be a path or an intrinsic function, not ${JSON.stringify(value)}.`);
}

/** Whether a template has a `.$` key at any depth. */
function isDynamic(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(isDynamic);
  if (node === null || typeof node !== 'object') return false;
  return Object.entries(node).some(([key, value]) => key.endsWith('.$') || isDynamic(value));
}
