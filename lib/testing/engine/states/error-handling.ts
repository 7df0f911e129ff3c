import { AslState, catchersOf, retriersOf } from '../../../asl/definition';
import { ThreadCancelled } from '../cancellation';
import { errorEqualsMatches, StatesError } from '../errors';
import { compileCatcher, CompiledCatcher, Finish, StateProcessing } from '../processing';
import { compileRetriers, matchingRetrier, Retrier, retryDelayMs } from '../retry';
import { StateRun, Thread } from '../thread';
import { exitState, locateError, StateStep, StateType } from './state';

/** A state's `Retry` and `Catch`, compiled. */
export interface ErrorHandling {
  readonly retriers: readonly Retrier[];
  readonly catchers: readonly CompiledCatcher[];
}

/** Compiles the `Retry` and `Catch` fields of a Task, Parallel or Map state. */
export function compileErrorHandling(state: AslState, language: 'JSONPath' | 'JSONata'): ErrorHandling {
  return {
    retriers: compileRetriers(retriersOf(state)),
    catchers: catchersOf(state).map((catcher) => compileCatcher(catcher, language)),
  };
}

/**
 * Runs the attempts of a state until one succeeds or the error is neither retried nor
 * caught: the first retrier matching the error retries after its backoff (one counter per
 * retrier, for this entry into the state); when it is exhausted, or none matches, the first
 * matching catcher takes the error output to its `Next`. `onFailure` records what a state
 * records when it fails for good (`MapStateFailed`, `ParallelStateFailed`).
 *
 * @throws StatesError the state's error when nothing catches it.
 * @see https://states-language.net/spec.html#errors
 */
export async function attemptWithRetries(
  run: StateRun,
  type: StateType,
  handling: ErrorHandling,
  processing: StateProcessing,
  next: string | undefined,
  attempt: () => Promise<Finish>,
  onFailure?: () => void,
): Promise<StateStep> {
  const retries = handling.retriers.map(() => 0);
  for (;;) {
    let error: StatesError;
    try {
      run.thread.cancellation.throwIfCancelled();
      return exitState(run, type, await attempt(), next);
    } catch (thrown) {
      if (thrown instanceof ThreadCancelled) throw thrown;
      error = locateError(thrown, run, type);
    }
    const index = matchingRetrier(handling.retriers, error.error);
    const retrier = handling.retriers[index];
    if (retrier && retries[index] < retrier.maxAttempts) {
      retries[index]++;
      run.state = { ...run.state, retryCount: (run.state.retryCount ?? 0) + 1 };
      await sleep(run.thread, retryDelayMs(retrier, retries[index], () => run.thread.run.random.next()));
      continue;
    }
    onFailure?.();
    const catcher = handling.catchers.find((candidate) => errorEqualsMatches(candidate.errorEquals, error.error));
    if (!catcher) throw error;
    let finish: Finish;
    try {
      finish = await processing.catchOutput(run, catcher, error.errorOutput);
    } catch (thrown) {
      throw locateError(thrown, run, type);
    }
    return exitState(run, type, finish, catcher.next);
  }
}

/** Waits on the execution's clock (in real time with `realDelays`); stops early if the thread is cancelled. */
export async function sleep(thread: Thread, delayMs: number): Promise<void> {
  const { promise, timer } = thread.run.clock.sleep(delayMs, thread.run.realDelays);
  if (!timer) return;
  try {
    await thread.cancellation.race(promise);
  } finally {
    timer.cancel();
  }
}
