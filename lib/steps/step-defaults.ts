import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
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
  /**
   * The query language of each step made with these defaults, unless the step sets its own:
   * `sfn.QueryLanguage.JSONATA` for the steps of a JSONata Workflow.
   * @default sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
}

/**
 * Settings many steps share, set once: a step made here takes the defaults' timeout, retry
 * policy and query language unless it sets its own.
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
      queryLanguage: options.queryLanguage ?? this.props.queryLanguage,
    });
  }
}
