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

/** The longest variable name Step Functions accepts. */
const MAX_VARIABLE_NAME_LENGTH = 80;

/**
 * A prefix for the variables a construct assigns, made from a name that is unique in the state
 * machine (a state-name prefix): the name itself when it is an identifier that leaves room for
 * `suffixRoom` more characters, else its letters and digits with a hash of the whole name, so
 * that two names never share variables.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export function variableNamePrefix(name: string, suffixRoom: number): string {
  const room = MAX_VARIABLE_NAME_LENGTH - suffixRoom;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name.length <= room) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const readable = name.replace(/[^A-Za-z0-9_]+/g, '').replace(/^[0-9]+/, '');
  return `${readable.slice(0, room - hash.length - 1)}_${hash}`;
}
