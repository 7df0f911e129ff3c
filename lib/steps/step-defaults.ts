import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LambdaStep, LambdaStepOptions } from './lambda-step';
import { RetryPolicy } from './retry-policy';

/** Properties of {@link StepDefaults}. */
export interface StepDefaultsProps {
  /** The timeout of each step made with these defaults, unless the step sets its own. */
  readonly timeout: Duration;
  /**
   * The retry policy of each step made with these defaults, unless the step sets its own.
   * @default RetryPolicy.transient()
   */
  readonly retryPolicy?: RetryPolicy;
}

/**
 * Settings many steps share, set once: a step made here takes the defaults' timeout and retry
 * policy unless it sets its own.
 *
 * ```ts
 * const steps = new StepDefaults({ timeout: Duration.seconds(15) });
 * const reserve = steps.lambdaStep(this, 'Reserve', { lambdaFunction: reserveFn, resultPath: '$.reservation' });
 * ```
 */
export class StepDefaults {
  /** @param props the shared settings */
  constructor(private readonly props: StepDefaultsProps) {}

  /**
   * A {@link LambdaStep} with these defaults.
   *
   * @throws WorkflowConfigurationError as `LambdaStep` does.
   */
  public lambdaStep(scope: Construct, id: string, options: LambdaStepOptions): LambdaStep {
    return new LambdaStep(scope, id, {
      ...options,
      timeout: options.timeout ?? this.props.timeout,
      retryPolicy: options.retryPolicy ?? this.props.retryPolicy,
    });
  }
}
