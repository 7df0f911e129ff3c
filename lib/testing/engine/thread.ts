import { Cancellation } from './cancellation';
import { contextObject, StateContext } from './context-object';
import type { ExecutionRun } from './execution';
import { EvaluationScope } from './scope';
import type { StateType } from './states/state';
import { VariableScope } from './variables';

/**
 * One sequence of states of an execution: the top level, a Parallel branch or a Map
 * iteration. Its events chain by `previousEventId`; its variables are its scope's.
 */
export interface Thread {
  /** The execution. */
  readonly run: ExecutionRun;
  /** The variables this thread sees and assigns. */
  readonly variables: VariableScope;
  /** Stops the thread (a sibling failed, the execution ended). */
  readonly cancellation: Cancellation;
  /** The last event this thread recorded: the next one follows it. */
  lastEventId: number;
  /** The state running now, if any (for the `*StateAborted` event when the thread is stopped). */
  current?: { readonly name: string; readonly type: StateType };
}

/** A state being run: its thread, its part of the context object, its Entered event. */
export interface StateRun {
  readonly thread: Thread;
  /** The state's part of the context object (`$$.State`, `$$.Task`, `$$.Map`). */
  state: StateContext;
  /** The id of the state's `*StateEntered` event. */
  readonly enteredEventId: number;
  /** The state's raw input. */
  readonly input: unknown;
}

/**
 * The scope a field of a state is evaluated in: `$` is `value`; the context object is built
 * on first use.
 */
export function scopeOf(run: StateRun, value: unknown, stateContext: StateContext = run.state): EvaluationScope {
  const execution = run.thread.run;
  let context: Record<string, unknown> | undefined;
  return {
    input: value,
    context: () => (context ??= contextObject(execution.executionContext, execution.stateMachineContext, stateContext)),
    variable: (name) => run.thread.variables.get(name),
    random: execution.random,
  };
}
