import type { ExecutionResult } from './execution-result';

/** The rule index recorded for a Choice that took its `Default`. */
export const DEFAULT_RULE = -1;

const rulesByResult = new WeakMap<ExecutionResult, ReadonlyMap<number, number>>();

/**
 * Keeps, for a local execution's result, which rule each Choice took (by the id of its
 * `ChoiceStateExited` event; -1 for `Default`). AWS's history names only the next state, so a
 * result read from a real history has none, and a trace then infers the rule.
 */
export function recordMatchedChoiceRules(result: ExecutionResult, rules: ReadonlyMap<number, number>): ExecutionResult {
  rulesByResult.set(result, rules);
  return result;
}

/** The rule each Choice of a local execution took, if the engine recorded it. */
export function matchedChoiceRulesOf(result: ExecutionResult): ReadonlyMap<number, number> | undefined {
  return rulesByResult.get(result);
}
