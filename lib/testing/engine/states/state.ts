import { asStatesError, StatesError, States } from '../errors';
import { HistoryEventType } from '../history';
import { jsonBytesAtMost } from '../json-value';
import { Finish } from '../processing';
import { StateRun, Thread } from '../thread';

/** The state types of ASL. */
export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

/** What a state hands on: its output, and the state to run next (none: the thread ends). */
export interface StateStep {
  readonly output: unknown;
  readonly next?: string;
}

/** A state compiled once, run many times. */
export interface CompiledState {
  readonly name: string;
  readonly type: StateType;
  /**
   * Runs the state on `input` in `thread`, recording its events.
   *
   * @throws StatesError when the state fails (uncaught), ThreadCancelled when the thread was stopped.
   */
  run(input: unknown, thread: Thread): Promise<StateStep>;
}

const CAUSE_PREFIX = 'An error occurred while executing the state';

/** Errors whose cause Step Functions prefixes with the state and its Entered event. */
const LOCATED_ERRORS = new Set<string>([
  States.Runtime,
  States.QueryEvaluationError,
  States.IntrinsicFailure,
  States.ResultPathMatchFailure,
  States.ParameterPathFailure,
]);

/** The payload limit: 256 KiB of UTF-8 JSON. @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
export const MAX_PAYLOAD_BYTES = 262_144;

/** Records `<Type>StateEntered` and starts the state's run. */
export function enterState(thread: Thread, type: StateType, name: string, input: unknown): StateRun {
  const history = thread.run.history;
  const enteredEventId = history.add(`${type}StateEntered` as HistoryEventType, thread.lastEventId, { name }, { field: 'input', value: input });
  thread.lastEventId = enteredEventId;
  thread.current = { name, type };
  const retryCount = type === 'Task' || type === 'Parallel' || type === 'Map' ? 0 : undefined;
  return { thread, input, enteredEventId, state: { name, enteredTime: thread.run.clock.now(), retryCount } };
}

/**
 * Runs a state without Retry and Catch: records its Entered event, evaluates it with `body`
 * (an evaluation error gets Step Functions' prefix) and records its Exited event.
 */
export async function runState(
  thread: Thread,
  type: StateType,
  name: string,
  input: unknown,
  body: (run: StateRun) => Promise<{ readonly finish: Finish; readonly next?: string }>,
): Promise<StateStep> {
  const run = enterState(thread, type, name, input);
  let outcome: { readonly finish: Finish; readonly next?: string };
  try {
    outcome = await body(run);
  } catch (error) {
    throw locateError(error, run, type);
  }
  return exitState(run, type, outcome.finish, outcome.next);
}

/**
 * Records `<Type>StateExited` with the output and the variables assigned (then sets them), and
 * checks the output's size.
 *
 * @throws StatesError `States.DataLimitExceeded` for an output over 256 KiB.
 */
export function exitState(run: StateRun, type: StateType, finish: Finish, next: string | undefined): StateStep {
  const { thread } = run;
  if (finish.output !== run.input) checkPayloadSize(finish.output, run.state.name);
  const details: Record<string, unknown> = { name: run.state.name };
  if (finish.assigned !== undefined && Object.keys(finish.assigned).length > 0) {
    details.assignedVariables = finish.assigned;
    thread.variables.assign(finish.assigned);
  }
  thread.lastEventId = thread.run.history.add(`${type}StateExited` as HistoryEventType, thread.lastEventId, details, { field: 'output', value: finish.output });
  thread.current = undefined;
  return { output: finish.output, next };
}

/**
 * An error raised while the state evaluated its fields, with Step Functions' prefix naming
 * the state and its Entered event; a JSONata error also records `EvaluationFailed`.
 */
export function locateError(thrown: unknown, run: StateRun, type: StateType): StatesError {
  const error = asStatesError(thrown);
  if (error.fromTask) return error;
  let located = error;
  if (LOCATED_ERRORS.has(error.error) && !error.causeText.startsWith(CAUSE_PREFIX)) {
    located = new StatesError(error.error, `${CAUSE_PREFIX} '${run.state.name}' (entered at the event id #${run.enteredEventId}). ${error.causeText}`);
    located.location = error.location;
  }
  if (located.error === States.QueryEvaluationError && !located.evaluationRecorded) {
    recordEvaluationFailed(located, run, type);
    located.evaluationRecorded = true;
  }
  return located;
}

function recordEvaluationFailed(error: StatesError, run: StateRun, type: StateType): void {
  const { thread } = run;
  const history = thread.run.history;
  // Recorded in AWS: after the Entered event's predecessor for most states, after the Entered event for Wait.
  const previous = type === 'Wait' ? run.enteredEventId : history.previousOf(run.enteredEventId);
  const details: Record<string, unknown> = { error: error.error, cause: error.causeText, state: run.state.name };
  if (error.location !== undefined) details.location = error.location;
  thread.lastEventId = history.add('EvaluationFailed', previous, details);
}

/**
 * Fails with `States.DataLimitExceeded` when a value is larger than the payload limit.
 *
 * @param name the state or task named in the cause
 */
export function checkPayloadSize(value: unknown, name: string): void {
  if (jsonBytesAtMost(value, MAX_PAYLOAD_BYTES) <= MAX_PAYLOAD_BYTES) return;
  if (Buffer.byteLength(JSON.stringify(value) ?? '') <= MAX_PAYLOAD_BYTES) return;
  throw new StatesError(
    States.DataLimitExceeded,
    `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  );
}
