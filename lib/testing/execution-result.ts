import type { PublishedEvent } from './put-events-integration';

/** How an execution ended, with Step Functions' status names. */
export type ExecutionResultStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** A retry that happened during an execution. */
export interface RetryRecord {
  /** The state retried. */
  readonly stateName: string;
  /** The error that caused the retry. */
  readonly error: string;
  /** The cause of that error. */
  readonly cause: string;
  /** Which retry this was for its retrier: 1 for the first. */
  readonly attempt: number;
}

/** An error caught by a `Catch` during an execution. */
export interface CatchRecord {
  /** The state whose error was caught. */
  readonly stateName: string;
  /** The error caught. */
  readonly error: string;
  /** The cause of that error. */
  readonly cause: string;
  /** The state the catcher went to. */
  readonly next: string;
}

/** An event of the interpreter's history (`StateEntered`, `StateRetried`, ...), as aws-local-stepfunctions reports it. */
export interface HistoryEvent {
  /** `ExecutionStarted`, `StateEntered`, `StateExited`, `StateFailed`, `StateRetried`, `StateCaught`, ... */
  readonly type: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** The state concerned: its name, type, input and (on exit) output. */
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  /** Fields of particular events: `Error`, `Cause`, `retry`, `catch`, `index`, ... */
  readonly [field: string]: any;
}

/** The outcome of a local execution. */
export interface ExecutionResult {
  /** The execution ARN (what `$$.Execution.Id` returned to the tasks). */
  readonly executionArn: string;
  /** SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  readonly status: ExecutionResultStatus;
  /** The execution input. */
  readonly input: unknown;
  /** The output, for a succeeded execution. */
  readonly output?: any;
  /** The error name, for a failed execution. */
  readonly error?: string;
  /** The cause, for a failed execution. */
  readonly cause?: string;
  /** The names of the states entered, in order (branch states included, retries not repeated). */
  readonly path: string[];
  /** The retries, in order. */
  readonly retries: RetryRecord[];
  /** The caught errors, in order. */
  readonly catches: CatchRecord[];
  /**
   * State transitions billed by a Standard workflow: states entered plus retries.
   * @see https://aws.amazon.com/step-functions/pricing/
   */
  readonly transitions: number;
  /** The input of the last state entered: for a failed execution, what the Fail state saw. */
  readonly lastStateInput?: unknown;
  /** The interpreter's events. */
  readonly events: HistoryEvent[];
  /** Executions of child state machines its tasks started (nested workflows), in the order they ended. */
  readonly childExecutions: ExecutionResult[];
  /** Events its `events:putEvents` tasks published, in order. */
  readonly publishedEvents: PublishedEvent[];
}

/** What ended the execution, as the runner saw it. */
export interface ExecutionEnd {
  /** How it ended. */
  readonly status: ExecutionResultStatus;
  /** The output, if it succeeded. */
  readonly output?: unknown;
  /** The error name, if it failed. */
  readonly error?: string;
  /** The cause, if it failed. */
  readonly cause?: string;
}

/** Builds the result of an execution from its events and how it ended. */
export function buildExecutionResult(
  executionArn: string,
  input: unknown,
  end: ExecutionEnd,
  events: HistoryEvent[],
  effects: { childExecutions: ExecutionResult[]; publishedEvents: PublishedEvent[] },
): ExecutionResult {
  const entered = events.filter((event) => event.type === 'StateEntered');
  const lastFailure = new Map<string, { error: string; cause: string }>();
  const retries: RetryRecord[] = [];
  const catches: CatchRecord[] = [];
  for (const event of events) {
    const stateName = event.state?.name ?? '';
    if (event.type === 'StateFailed') lastFailure.set(stateName, { error: event.Error, cause: causeText(event.Cause) });
    const failure = lastFailure.get(stateName) ?? { error: '', cause: '' };
    if (event.type === 'StateRetried') retries.push({ stateName, ...failure, attempt: event.retry.attempt });
    if (event.type === 'StateCaught') catches.push({ stateName, ...failure, next: event.catch.catcher.Next });
  }
  return {
    executionArn,
    status: end.status,
    input,
    output: end.output,
    error: end.error,
    cause: end.cause,
    path: entered.map((event) => event.state!.name),
    retries,
    catches,
    transitions: entered.length + retries.length,
    lastStateInput: entered[entered.length - 1]?.state?.input,
    events,
    childExecutions: effects.childExecutions,
    publishedEvents: effects.publishedEvents,
  };
}

/** Causes are strings in Step Functions; the interpreter sometimes reports an object. */
export function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
