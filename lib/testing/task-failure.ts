/**
 * An error a {@link TaskHandler} or Lambda handler throws to fail a task with a given ASL
 * error name and cause. `States.Timeout` and `States.HeartbeatTimeout` fail the task as a
 * timeout does: `States.TaskFailed` does not match them.
 */
export class TaskFailure extends Error {
  /**
   * @param error the ASL error name, e.g. `PaymentDeclined` or `States.Timeout`
   * @param cause the message (for a Lambda task, the `errorMessage` of the cause)
   */
  constructor(error: string, cause = '') {
    super(cause);
    this.name = error;
  }
}
