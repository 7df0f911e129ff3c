/**
 * A failure inside an execution, with Step Functions' error name (`States.Runtime`,
 * `PaymentDeclined`, ...) and cause text. Retriers and catchers match `error`.
 */
export class StatesError extends Error {
  /** The field that failed to evaluate (`Output`, `Arguments/FunctionName`), for `EvaluationFailed`. */
  public location?: string;
  /** Whether a task's integration raised the error (its cause is the service's, never prefixed). */
  public fromTask = false;
  /** Whether the `EvaluationFailed` event of this error is recorded. */
  public evaluationRecorded = false;

  constructor(
    /** The ASL error name. */
    public readonly error: string,
    /** The cause text (always a string in Step Functions). */
    public readonly causeText: string = '',
    /** Whether the error output has an `Error` / `Cause` at all (SendTaskFailure may give neither). */
    public readonly given: { readonly error: boolean; readonly cause: boolean } = { error: true, cause: true },
  ) {
    super(causeText);
    this.name = error;
  }

  /** The error output a catcher receives: `{ Error, Cause }` (null where none was given). */
  public get errorOutput(): { Error: string | null; Cause: string | null } {
    return { Error: this.given.error ? this.error : null, Cause: this.given.cause ? this.causeText : null };
  }
}

/**
 * Step Functions' own error names.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export const States = {
  ALL: 'States.ALL',
  BranchFailed: 'States.BranchFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ItemReaderFailed: 'States.ItemReaderFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
} as const;

/**
 * Errors no retrier or catcher handles, not even one naming them: the execution fails.
 * (Recorded in AWS: a catcher of `States.Runtime` does not catch it; `States.DataLimitExceeded`
 * of a task result is caught by `States.ALL`.)
 */
const TERMINAL_ERRORS = new Set<string>([States.Runtime]);

/** Errors `States.TaskFailed` does not match. */
const NOT_TASK_FAILURES = new Set<string>([States.Timeout, States.HeartbeatTimeout, States.Runtime]);

/** Whether an error can be retried or caught at all. */
export function isTerminalError(error: string): boolean {
  return TERMINAL_ERRORS.has(error);
}

/**
 * Whether a retrier's or catcher's `ErrorEquals` matches `error`: by name, by `States.ALL`
 * (anything that is not terminal), by `States.TaskFailed` (anything but a timeout), or by
 * `States.Timeout` (which covers a missed heartbeat too).
 *
 * @see https://states-language.net/spec.html#error-names
 */
export function errorEqualsMatches(errorEquals: readonly string[], error: string): boolean {
  if (isTerminalError(error)) return false;
  for (const name of errorEquals) {
    if (name === error || name === States.ALL) return true;
    if (name === States.TaskFailed && !NOT_TASK_FAILURES.has(error)) return true;
    // "States.Timeout: a Task state ran longer than TimeoutSeconds, or failed to send a heartbeat"
    if (name === States.Timeout && error === States.HeartbeatTimeout) return true;
  }
  return false;
}

/** Any thrown value as a StatesError: a StatesError stays, an Error's `name` becomes the error. */
export function asStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  if (thrown instanceof Error) return new StatesError(thrown.name || 'Error', thrown.message);
  return new StatesError('Error', typeof thrown === 'string' ? thrown : safeJson(thrown));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
