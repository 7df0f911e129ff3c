import * as events from 'aws-cdk-lib/aws-events';

/**
 * The status of a Step Functions execution, as its "Execution Status Change" events report it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
export enum ExecutionStatus {
  /** The execution started (or was redriven). */
  RUNNING = 'RUNNING',
  /** It ended with output. */
  SUCCEEDED = 'SUCCEEDED',
  /** It ended with an error that no catcher handled. */
  FAILED = 'FAILED',
  /** It outlived the state machine's TimeoutSeconds. */
  TIMED_OUT = 'TIMED_OUT',
  /** It was stopped (StopExecution). */
  ABORTED = 'ABORTED',
  /** A redrive of a failed execution was requested and has not started yet. */
  PENDING_REDRIVE = 'PENDING_REDRIVE',
}

/** Options of `Workflow.onExecutionStatusChange`. */
export interface ExecutionStatusChangeOptions {
  /**
   * Where matching events go; give the target a dead-letter queue.
   * @default - none: add targets to the returned rule
   */
  readonly target?: events.IRuleTarget;
  /**
   * The statuses to match.
   * @default [FAILED, TIMED_OUT, ABORTED]
   */
  readonly statuses?: ExecutionStatus[];
  /**
   * The rule description.
   * @default - names the statuses and the workflow
   */
  readonly description?: string;
}
