/**
 * The event a {@link LambdaStep} sends to its Lambda function: the step's payload plus the
 * execution context a handler needs for logging and idempotency.
 *
 * A handler narrows `input` by extending the interface:
 * `interface ChargeEvent extends LambdaStepEvent { readonly input: Order }`.
 */
export interface LambdaStepEvent {
  /** The step's payload: the state input, or what the step's `payload` selected from it. */
  readonly input: any;
  /**
   * The execution ARN (`$$.Execution.Id`). Use it as the correlation id in logs and,
   * with `stateName`, as an idempotency key: it is the same for every retry of the step.
   */
  readonly correlationId: string;
  /** The name of the Task state invoking the function (`$$.State.Name`). */
  readonly stateName: string;
  /** 0 on the first attempt, then the number of retries so far (`$$.State.RetryCount`). */
  readonly retryCount: number;
}
