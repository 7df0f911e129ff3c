import * as events from 'aws-cdk-lib/aws-events';

/**
 * The status of a Step Functions execution, as its "Execution Status Change" events report it.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
export enum ExecutionStatus {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  ABORTED = 'ABORTED',
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
