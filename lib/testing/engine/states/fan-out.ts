import { ThreadCancelled } from '../cancellation';
import { asStatesError, StatesError, States } from '../errors';
import { HistoryEventType } from '../history';
import { StateRun, Thread } from '../thread';
import { VariableScope } from '../variables';

/** Branches of a Parallel or iterations of a Map, run as threads of one state. */
export interface FanOut {
  /** The Parallel or Map state's run; its thread's last event is `ParallelStateStarted` / `MapStateStarted`. */
  readonly run: StateRun;
  /** How many branches or items. */
  readonly count: number;
  /** How many run at once: 0 for all. */
  readonly maxConcurrency: number;
  /** A Map's name: iterations record `MapIteration*` events. */
  readonly iterationName?: string;
  /** Failures a Map tolerates before it fails with `States.ExceedToleratedFailureThreshold`. */
  readonly tolerance?: Tolerance;
  /** The variables of branch or iteration `index`. */
  variables(index: number): VariableScope;
  /** Runs branch or iteration `index` in its thread; resolves with its output. */
  start(index: number, thread: Thread): Promise<unknown>;
}

/** A Map's ToleratedFailureCount and ToleratedFailurePercentage, where set. */
export interface Tolerance {
  readonly count?: number;
  readonly percentage?: number;
}

/** What a fan-out ended with. */
export interface FanOutResult {
  /** The outputs, in branch or item order (a tolerated failure's error output in its place). */
  readonly outputs: unknown[];
  /** The event the state's Succeeded and Exited events follow. */
  readonly lastEventId: number;
}

/** States whose running can be recorded as aborted. */
const ABORTABLE = new Set(['Task', 'Wait', 'Map', 'Parallel']);

/**
 * Runs the branches or iterations, at most `maxConcurrency` at once. The first failure that
 * is not tolerated stops the others: it is recorded (`MapIterationFailed`), the running
 * threads are recorded as aborted (`MapIterationAborted`, `<Type>StateAborted`), all after the
 * failing event, and the promise rejects with the failure (the branch's or iteration's own
 * error, as Step Functions passes it on). The parent thread's last event is then the failing
 * event.
 *
 * @throws StatesError the failure; ThreadCancelled when the state itself was stopped.
 */
export function fanOut(fan: FanOut): Promise<FanOutResult> {
  const parent = fan.run.thread;
  const history = parent.run.history;
  const cancellation = parent.cancellation.child();
  const startedEventId = parent.lastEventId;
  const sequential = fan.maxConcurrency === 1;
  const outputs: unknown[] = new Array(fan.count);
  const running = new Map<number, Thread>();
  let nextIndex = 0;
  let failures = 0;
  let lastEventId = startedEventId;
  let previousEnd = startedEventId;
  let ended = false;

  return new Promise<FanOutResult>((resolve, reject) => {
    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      if (error) reject(error);
      else resolve({ outputs, lastEventId });
    };
    const launch = () => {
      if (cancellation.cancelled) {
        if (running.size === 0) end(new ThreadCancelled());
        return;
      }
      while (!ended && nextIndex < fan.count && (fan.maxConcurrency === 0 || running.size < fan.maxConcurrency)) startOne(nextIndex++);
      if (!ended && running.size === 0 && nextIndex >= fan.count) end();
    };
    const recordIteration = (type: HistoryEventType, previous: number, index: number) =>
      fan.iterationName === undefined ? previous : history.add(type, previous, { name: fan.iterationName, index });
    const fail = (error: StatesError, failedThread: Thread, index: number) => {
      const failedEventId = failedThread.lastEventId;
      recordIteration('MapIterationFailed', failedEventId, index);
      recordAborted(failedThread, failedEventId);
      for (const [otherIndex, other] of [...running.entries()].sort(([a], [b]) => a - b)) {
        recordIteration('MapIterationAborted', failedEventId, otherIndex);
        recordAborted(other, failedEventId);
      }
      running.clear();
      cancellation.cancel();
      parent.lastEventId = failedEventId;
      end(error);
    };
    const startOne = (index: number) => {
      const thread: Thread = { run: parent.run, variables: fan.variables(index), cancellation, lastEventId: sequential ? previousEnd : startedEventId };
      thread.lastEventId = recordIteration('MapIterationStarted', thread.lastEventId, index);
      running.set(index, thread);
      fan.start(index, thread).then(
        (output) => {
          if (!running.delete(index)) return;
          outputs[index] = output;
          previousEnd = thread.lastEventId;
          lastEventId = recordIteration('MapIterationSucceeded', thread.lastEventId, index);
          launch();
        },
        (thrown) => {
          if (!running.delete(index)) return;
          if (thrown instanceof ThreadCancelled) {
            if (running.size === 0) end(thrown);
            return;
          }
          const error = asStatesError(thrown);
          failures++;
          if (fan.tolerance && !exceeded(fan.tolerance, failures, fan.count)) {
            outputs[index] = error.errorOutput;
            previousEnd = thread.lastEventId;
            lastEventId = recordIteration('MapIterationFailed', thread.lastEventId, index);
            launch();
            return;
          }
          fail(fan.tolerance ? thresholdExceeded(fan.tolerance) : error, thread, index);
        },
      );
    };
    if (cancellation.cancelled) end(new ThreadCancelled());
    else launch();
  });
}

/** Records `<Type>StateAborted` for the state a stopped thread was running. */
function recordAborted(thread: Thread, previous: number): void {
  const current = thread.current;
  if (current && ABORTABLE.has(current.type)) thread.run.history.add(`${current.type}StateAborted` as HistoryEventType, previous);
  thread.current = undefined;
}

/** Whether the failures so far cross a threshold that is set (either one, when both are). */
function exceeded(tolerance: Tolerance, failures: number, total: number): boolean {
  if (tolerance.count !== undefined && failures > tolerance.count) return true;
  return tolerance.percentage !== undefined && (failures * 100) / Math.max(total, 1) > tolerance.percentage;
}

function thresholdExceeded(tolerance: Tolerance): StatesError {
  return new StatesError(
    States.ExceedToleratedFailureThreshold,
    `The failed items exceeded the tolerated failure threshold (ToleratedFailureCount ${tolerance.count ?? 'not set'}, ToleratedFailurePercentage ${tolerance.percentage ?? 'not set'}).`,
  );
}
