import { createHash } from 'node:crypto';

/**
 * The longest state name Step Functions accepts.
 *
 * @see https://states-language.net/spec.html#states-fields
 */
export const MAX_STATE_NAME_LENGTH = 80;

/**
 * Fits a generated state name into {@link MAX_STATE_NAME_LENGTH} characters. A name that is
 * already short enough is returned as is; a longer one is cut and ends with a short hash of
 * the full name, so two long names that share a prefix stay distinct.
 */
export function fitStateName(name: string): string {
  if (name.length <= MAX_STATE_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_STATE_NAME_LENGTH - hash.length - 1).trimEnd()}~${hash}`;
}

/**
 * A JSONPath-safe key for a state name (letters, digits and `_`), used where a state name
 * becomes part of a `ResultPath`.
 */
export function jsonPathKey(stateName: string): string {
  const key = stateName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_]/.test(key) ? key : `_${key}`;
}
