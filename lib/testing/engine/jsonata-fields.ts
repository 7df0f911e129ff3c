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

/** Which optional `$states` members a field may read. */
export interface StatesAccess {
  /** `$states.result`: Output and Assign of Task, Parallel and Map states. */
  readonly result?: boolean;
  /** `$states.errorOutput`: Output and Assign of a catcher. */
  readonly errorOutput?: boolean;
}

/**
 * Compiles a JSONata-mode field (`Arguments`, `Output`, `Assign/x`, `Items`, `Condition`, ...).
 *
 * @param field the field's name in causes and in `EvaluationFailed.location`
 * @param access the `$states` members the field may read besides `input` and `context`
 * @throws JsonataSyntaxError when an expression does not parse; Error when it reads
 * `$states.result` or `$states.errorOutput` where they do not exist, which Step Functions
 * refuses when the definition is created.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export function compileJsonataField(value: unknown, field: string, access: StatesAccess = {}): JsonataField {
  const template: CompiledTemplate = compileJsonataTemplate(value, field);
  for (const expression of template.expressions) {
    const member = /\$states\.(result|errorOutput)\b/.exec(expression.expression)?.[1] as keyof StatesAccess | undefined;
    if (member && !access[member]) {
      throw new Error(`The JSONata expression '${expression.expression}' in '${field}' reads $states.${member}, which ${member === 'result' ? "only a Task, Parallel or Map state's Output and Assign" : "only a catcher's Output and Assign"} can read.`);
    }
  }
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
