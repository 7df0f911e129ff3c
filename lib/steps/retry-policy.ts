import { Duration, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { MAX_RETRY_DELAY_SECONDS } from '../asl/definition';
import { requireWholeSeconds } from '../private/durations';
import { WorkflowConfigurationError } from '../private/errors';
import { frozen } from '../private/frozen';


/** Options of {@link RetryPolicy.transient}. */
export interface TransientRetryProps {
  /**
   * Wait before the first retry.
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * Retries after the first attempt (0 disables retrying).
   * @default 3
   */
  readonly maxAttempts?: number;
  /**
   * Multiplier applied to the wait after every retry (≥ 1).
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * Cap on the wait between two attempts.
   * @default Duration.seconds(10)
   */
  readonly maxDelay?: Duration;
  /**
   * Randomization of each wait. `FULL` picks a wait between 0 and the computed backoff,
   * which spreads out retries of many executions that failed at the same moment.
   * @default sfn.JitterType.FULL
   */
  readonly jitterStrategy?: sfn.JitterType;
  /**
   * The transient errors of the service the step calls.
   * @default RetryPolicy.LAMBDA_TRANSIENT_ERRORS
   */
  readonly errors?: string[];
  /**
   * More error names to retry with the same backoff, for example a handler's
   * `PaymentProviderUnavailable`. Only name errors that are safe to retry (the handler is
   * idempotent for them).
   * @default - none
   */
  readonly additionalErrors?: string[];
}

/**
 * How a step retries failed attempts: the `Retry` field of its Task state.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html#error-handling-retrying-after-an-error
 */
export class RetryPolicy {
  /**
   * Lambda errors that are transient and safe to retry: the service, SDK and throttling
   * errors. CDK's default `LambdaInvoke` retrier leaves out `Lambda.TooManyRequestsException`.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
   */
  public static readonly LAMBDA_TRANSIENT_ERRORS: string[] = frozen([
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ]);

  /**
   * Retries transient errors (Lambda's by default, and any `additionalErrors`) with capped
   * exponential backoff and full jitter. This is the default of {@link LambdaStep}.
   */
  public static transient(props: TransientRetryProps = {}): RetryPolicy {
    return new RetryPolicy([
      {
        errors: [...(props.errors ?? RetryPolicy.LAMBDA_TRANSIENT_ERRORS), ...(props.additionalErrors ?? [])],
        interval: props.interval ?? Duration.seconds(1),
        maxAttempts: props.maxAttempts ?? 3,
        backoffRate: props.backoffRate ?? 2,
        maxDelay: props.maxDelay ?? Duration.seconds(10),
        jitterStrategy: props.jitterStrategy ?? sfn.JitterType.FULL,
      },
    ]);
  }

  /**
   * Retriers given in full, in order (the first one whose `errors` match an error applies).
   * Each needs an explicit `errors` list.
   */
  public static custom(...retries: sfn.RetryProps[]): RetryPolicy {
    return new RetryPolicy(retries);
  }

  /** No retries: the first failure goes straight to the step's Catch. */
  public static none(): RetryPolicy {
    return new RetryPolicy([]);
  }

  private constructor(private readonly retries: sfn.RetryProps[]) {}

  /**
   * Validates the retriers against the ASL bounds and adds them to a Task state, in order.
   *
   * @param state the Task state the policy applies to (named in error messages)
   * @throws WorkflowConfigurationError if a field is out of the range ASL accepts.
   */
  public applyTo(state: sfn.TaskStateBase): void {
    this.retries.forEach((retry, index) => validateRetry(state, retry, `Retry[${index}]`));
    for (const retry of this.retries) state.addRetry({ ...retry, errors: [...(retry.errors ?? [])] });
  }
}

function validateRetry(scope: IConstruct, retry: sfn.RetryProps, label: string): void {
  if (!retry.errors || retry.errors.length === 0) {
    throw new WorkflowConfigurationError(
      scope,
      `${label} has no errors to match.`,
      'list the error names to retry, e.g. RetryPolicy.LAMBDA_TRANSIENT_ERRORS.',
    );
  }
  if (retry.interval) requireWholeSeconds(scope, `${label} interval`, retry.interval, { min: 1 });
  if (retry.maxDelay) {
    requireWholeSeconds(scope, `${label} maxDelay`, retry.maxDelay, { min: 1, max: MAX_RETRY_DELAY_SECONDS });
  }
  const { maxAttempts, backoffRate } = retry;
  if (maxAttempts !== undefined && !Token.isUnresolved(maxAttempts) && (!Number.isInteger(maxAttempts) || maxAttempts < 0)) {
    throw new WorkflowConfigurationError(
      scope,
      `${label} maxAttempts must be a whole number >= 0 (got ${maxAttempts}).`,
      'use 0 to never retry, or the number of retries after the first attempt.',
    );
  }
  if (backoffRate !== undefined && !Token.isUnresolved(backoffRate) && backoffRate < 1) {
    throw new WorkflowConfigurationError(
      scope,
      `${label} backoffRate must be >= 1.0 (got ${backoffRate}).`,
      'use 1 for a constant interval, or more for exponential backoff.',
    );
  }
}
