import { AslDefinition, AslState, catchersOf, isCallbackTask, retriersOf } from '../asl/definition';
import { inlineStaticContext, markContextFields } from './context-markers';

/** The `Resource` of the Task the runner puts in place of a Fail state. */
export const FAIL_STATE_RESOURCE = 'arn:aws:states:::local-runner:fail';
/** The `Resource` of the Task the runner puts in place of a Pass state with a falsy `Result`. */
export const CONSTANT_RESULT_RESOURCE = 'arn:aws:states:::local-runner:result';

/** The longest timeout the interpreter's timers can hold, in seconds (Node's limit, about 24.8 days). */
export const MAX_INTERPRETER_TIMEOUT_SECONDS = 2_147_483;

/** The timeouts of a callback task, which the runner enforces itself (in real and in test time). */
export interface CallbackLimits {
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

/**
 * Rewrites one state in place where aws-local-stepfunctions would differ from Step Functions,
 * and returns it (it may be a new object in `container`):
 * - Fail states are failed by the runner, which evaluates intrinsic `ErrorPath`/`CausePath`
 *   (the interpreter reads them as plain paths and drops backslashes) and leaves an absent
 *   Error or Cause absent;
 * - a Pass state's falsy `Result` (`false`, `0`, `""`, `null`) is returned as is (the
 *   interpreter passes the input through instead);
 * - `ResultPath: "$"` replaces the input (the interpreter would write a key named `$`);
 * - Choice rules `IsPresent: false` (and the other `Is*: false`) become `Not` rules (the
 *   interpreter never matches them);
 * - a Task without `TimeoutSeconds` gets no timeout (the interpreter applies 60 s);
 * - context paths of Task parameters become markers the task dispatcher fills in.
 */
export function adaptState(container: AslDefinition, name: string): AslState {
  const states = container.States as Record<string, Record<string, unknown>>;
  if (states[name].Type === 'Fail') states[name] = failAsTask(states[name]);
  if (states[name].Type === 'Pass' && 'Result' in states[name] && !states[name].Result) states[name] = constantAsTask(states[name]);
  const state = states[name];
  if (state.ResultPath === '$') delete state.ResultPath;
  for (const catcher of catchersOf(state as AslState) as Array<Record<string, unknown>>) {
    if (catcher.ResultPath === '$') delete catcher.ResultPath;
  }
  if (state.Type === 'Choice') state.Choices = (state.Choices as unknown[]).map(negateFalseTypeTests);
  if (state.Type === 'Task') {
    if (state.Parameters !== undefined) state.Parameters = markContextFields(state.Parameters);
    if (!isCallbackTask(state as AslState)) {
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
      clampTimeout(state);
    }
  } else {
    for (const field of ['Parameters', 'ItemSelector']) {
      if (state[field] !== undefined) state[field] = inlineStaticContext(state[field], name);
    }
  }
  return state as AslState;
}

/**
 * Moves a callback task's timeouts to the runner, which enforces them in real and in test time;
 * the interpreter gets its longest timer so that its own 60-second default does not apply. A
 * heartbeat timeout is a timeout too: catchers and retriers of `States.Timeout` on the task
 * also get `States.HeartbeatTimeout`.
 */
export function takeCallbackLimits(state: AslState): CallbackLimits {
  const mutable = state as Record<string, unknown>;
  const limits = { timeoutSeconds: state.TimeoutSeconds as number | undefined, heartbeatSeconds: state.HeartbeatSeconds as number | undefined };
  delete mutable.HeartbeatSeconds;
  mutable.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
  for (const handler of [...retriersOf(state), ...catchersOf(state)] as Array<{ ErrorEquals: string[] }>) {
    if (handler.ErrorEquals.includes('States.Timeout') && !handler.ErrorEquals.includes('States.HeartbeatTimeout')) {
      handler.ErrorEquals = [...handler.ErrorEquals, 'States.HeartbeatTimeout'];
    }
  }
  return limits;
}

/** Node's timers overflow past about 24.8 days (and then fire at once): cap what the interpreter gets. */
export function clampTimeout(holder: Record<string, unknown>): void {
  if (typeof holder.TimeoutSeconds === 'number' && holder.TimeoutSeconds > MAX_INTERPRETER_TIMEOUT_SECONDS) {
    holder.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
  }
}

function failAsTask(state: Record<string, unknown>): Record<string, unknown> {
  const fail = Object.fromEntries(['Error', 'ErrorPath', 'Cause', 'CausePath'].filter((f) => state[f] !== undefined).map((f) => [f, state[f]]));
  return { Type: 'Task', Resource: FAIL_STATE_RESOURCE, Parameters: { 'input.$': '$', fail }, End: true };
}

function constantAsTask(state: Record<string, unknown>): Record<string, unknown> {
  const { Result: result, Type: _type, ...rest } = state;
  return { ...rest, Type: 'Task', Resource: CONSTANT_RESULT_RESOURCE, Parameters: { result } };
}

/** `{ Variable, IsPresent: false }` → `{ Not: { Variable, IsPresent: true } }`, in nested rules too. */
function negateFalseTypeTests(rule: unknown): unknown {
  if (!rule || typeof rule !== 'object') return rule;
  const { And, Or, Not, ...test } = rule as Record<string, unknown>;
  const nested = {
    ...(And ? { And: (And as unknown[]).map(negateFalseTypeTests) } : {}),
    ...(Or ? { Or: (Or as unknown[]).map(negateFalseTypeTests) } : {}),
    ...(Not ? { Not: negateFalseTypeTests(Not) } : {}),
  };
  const falseTest = Object.keys(test).find((key) => /^Is[A-Z]/.test(key) && test[key] === false);
  if (!falseTest) return { ...test, ...nested };
  const { Next: next, ...condition } = test;
  return { Not: { ...condition, [falseTest]: true }, ...(next !== undefined ? { Next: next } : {}) };
}
