import { AslDefinition, AslState } from '../../asl/definition';
import { hasPlaceholder, isJsonataExpression, isJsonObject } from '../../asl/json-value';

/**
 * The query language a state uses: its own `QueryLanguage`, else the top level's (a Parallel
 * or Map does not pass its own on), else JSONPath.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
export function queryLanguageOf(definition: AslDefinition, state: AslState): 'JSONPath' | 'JSONata' {
  for (const value of [state.QueryLanguage, definition.QueryLanguage]) {
    if (value === 'JSONPath' || value === 'JSONata') return value;
  }
  return 'JSONPath';
}

/**
 * Whether a field's value is only known when the workflow is deployed or runs: a string with a
 * `${...}` placeholder, or a JSONata expression in a JSONata state. Rules leave such values alone.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export function decidedLater(definition: AslDefinition, state: AslState, value: unknown): boolean {
  return hasPlaceholder(value) || (isJsonataExpression(value) && queryLanguageOf(definition, state) === 'JSONata');
}

/** Length in characters (Unicode code points), not UTF-16 units: the reading that refuses nothing Step Functions accepts. */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/**
 * The Parallel and Map states enclosing a state, for a message: `'Outer' > 'Inner'`, or with
 * the middle left out when there are more than four (`'P1' > 'P2' > … (9,996 more) … > 'P9999' > 'P10000'`).
 */
export function describeEnclosing(names: readonly string[]): string {
  const quoted = (list: readonly string[]) => list.map((name) => `'${name}'`).join(' > ');
  if (names.length <= 4) return quoted(names);
  return `${quoted(names.slice(0, 2))} > … (${(names.length - 4).toLocaleString('en-US')} more) … > ${quoted(names.slice(-2))}`;
}

/** The top-level `TimeoutSeconds` when it is a number (the definition may be any JSON). */
export function machineTimeoutSeconds(definition: AslDefinition): number | undefined {
  return isJsonObject(definition) && typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
}
