/**
 * Helpers over parsed JSON that hold for any input: they never recurse (a value nested 100,000
 * levels deep costs heap, not stack) and never read inherited properties (a state named
 * `constructor` or `__proto__` is an own key like any other).
 */

/** A JSON object: not null, not an array. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an object has its own field `key` (never one of `Object.prototype`'s). */
export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** The object's own field `key`, or undefined (never an inherited member such as `constructor`). */
export function ownField(object: JsonObject, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Whether a string holds a CloudFormation placeholder (`${Name}`, `${AWS::Partition}`,
 * `${Function.Arn}`): its value is only known once `DefinitionSubstitutions` or `Fn::Sub` replace it.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-stepfunctions-statemachine.html#cfn-stepfunctions-statemachine-definitionsubstitutions
 */
export function hasPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && /\$\{[^}]*\}/.test(value);
}

/**
 * Whether a string is a JSONata expression: it starts with `{%` and ends with `%}`, however the
 * expression inside is spaced (`{%$x%}` and `{% $x %}` alike).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/**
 * How deeply a JSON value nests: 0 for a scalar, 1 for `[]` or `{}`, 2 for `[[]]`, and so on.
 * Computed without recursion.
 */
export function jsonDepth(root: unknown): number {
  let deepest = 0;
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return deepest;
}

/**
 * The UTF-8 length of `JSON.stringify(value)`, computed without recursion (`JSON.stringify`
 * throws "Maximum call stack size exceeded" on a value nested a few thousand levels deep).
 * Fields holding `undefined` are left out of objects and written as `null` in arrays, as
 * `JSON.stringify` does. This is how the definition and payload size quotas are measured.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export function jsonByteLength(root: unknown): number {
  let total = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      total += 2 + Math.max(0, value.length - 1);
      for (const item of value) pending.push(item === undefined ? null : item);
    } else if (isJsonObject(value)) {
      const fields = Object.keys(value).filter((key) => value[key] !== undefined);
      total += 2 + Math.max(0, fields.length - 1);
      for (const key of fields) {
        total += utf8Length(JSON.stringify(key)) + 1;
        pending.push(value[key]);
      }
    } else {
      total += utf8Length(JSON.stringify(value) ?? 'null');
    }
  }
  return total;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
