import { compileJsonataTemplate, CompiledTemplate, JsonataScope, JsonataStates } from './jsonata';
import { contextOf, StateRun } from './thread';

/** A JSONata-mode field of a state (a literal, an expression, or JSON holding expressions), compiled once. */
export interface JsonataField {
  /** The expression text (for a single expression), for error causes. */
  readonly text: string;
  /**
   * The field's value in a state run, with `$states` as given and the thread's variables.
   *
   * @throws StatesError `States.QueryEvaluationError` (synchronously or as a rejection).
   */
  evaluate(states: JsonataStates, run: StateRun): unknown;
}

/**
 * Compiles a JSONata-mode field (`Arguments`, `Output`, `Assign/x`, `Items`, `Condition`, ...).
 *
 * @param field the field's name in causes and in `EvaluationFailed.location`
 * @throws JsonataSyntaxError when an expression does not parse.
 */
export function compileJsonataField(value: unknown, field: string): JsonataField {
  const template: CompiledTemplate = compileJsonataTemplate(value, field);
  return {
    text: template.expressions.length === 1 ? template.expressions[0].expression : JSON.stringify(value),
    evaluate: (states, run) => (template.isStatic ? value : template.evaluate(states, jsonataScopeOf(run), run.thread.variables.values)),
  };
}

/** What a JSONata expression reads in a state run besides `$states` and variables. */
function jsonataScopeOf(run: StateRun): JsonataScope {
  const execution = run.thread.run;
  return {
    context: () => contextOf(run),
    random: execution.random,
    now: () => execution.clock.now(),
    stateName: run.state.name,
    enteredEventId: run.enteredEventId,
  };
}
