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
  /** The context object last built, for the `state` it was built for. */
  contextCache?: { readonly state: StateContext; readonly value: Record<string, unknown> };
}

/** The context object of a state run (built once per attempt, when first read). */
export function contextOf(run: StateRun, stateContext: StateContext = run.state): Record<string, unknown> {
  if (run.contextCache?.state === stateContext) return run.contextCache.value;
  const execution = run.thread.run;
  const value = contextObject(execution.executionContext, execution.stateMachineContext, stateContext);
  run.contextCache = { state: stateContext, value };
  return value;
}

/**
 * The scope a field of a state is evaluated in: `$` is `value`; the context object is built
 * on first use.
 */
export function scopeOf(run: StateRun, value: unknown, stateContext: StateContext = run.state): EvaluationScope {
  return {
    input: value,
    context: () => contextOf(run, stateContext),
    variable: (name) => run.thread.variables.get(name),
    random: run.thread.run.random,
  };
}
