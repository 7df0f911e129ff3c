import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { requireWholeSeconds, taskTimeoutOf } from '../private/durations';
import { frozen } from '../private/frozen';
import { isJsonata, refuseJsonataSettings, refuseJsonPathSettings, stepQueryLanguage } from '../private/query-language';
import { RetryPolicy } from './retry-policy';

/** Properties of a {@link PublishEventStep}. */
export interface PublishEventStepProps {
  /**
   * The bus to publish to.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /** The event source, e.g. `shop.orders` (cannot start with `aws.`). */
  readonly source: string;
  /** The event's detail-type, e.g. `OrderCompleted`. */
  readonly detailType: string;
  /**
   * The event's detail, built from the state, e.g.
   * `sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId') })`, or in JSONata
   * `sfn.TaskInput.fromObject({ orderId: '{% $states.input.orderId %}' })`.
   */
  readonly detail: sfn.TaskInput;
  /**
   * The query language of the Task state (see `LambdaStepOptions.queryLanguage`).
   * @default sfn.QueryLanguage.JSON_PATH
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   */
  readonly queryLanguage?: sfn.QueryLanguage;
  /**
   * JSONata only: the state output.
   * @default `'{% $states.input %}'` - the state passes through unchanged
   */
  readonly outputs?: any;
  /**
   * Workflow variables to assign when the event is sent.
   * @default - none
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   */
  readonly assign?: { [name: string]: any };
  /**
   * The Task's timeout.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * How failed attempts are retried. A retry sends the event again: consumers should
   * tolerate duplicates (EventBridge delivers at least once anyway).
   * @default - EventBridge's throttling and internal errors, and failed entries: 3 retries, full jitter
   */
  readonly retryPolicy?: RetryPolicy;
  /**
   * JSONPath only: where the PutEvents result goes.
   * @default sfn.JsonPath.DISCARD - the state passes through unchanged
   */
  readonly resultPath?: string;
  /**
   * The state name (≤ 80 characters, unique in the state machine).
   * @default - the construct id
   */
  readonly stateName?: string;
  /**
   * A comment in the ASL.
   * @default - none
   */
  readonly comment?: string;
}

/**
 * Publishes one domain event (`OrderCompleted`, `OrderFailed`, ...) to an event bus with the
 * optimized `events:putEvents` integration, so the rest of a system learns the outcome of a
 * workflow without polling. Step Functions adds the execution and state machine ARNs to the
 * event's resources; the role is granted `events:PutEvents` on the bus only.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
 */
export class PublishEventStep extends tasks.EventBridgePutEvents {
  /** The error names the default retry policy retries: EventBridge's throttling and internal errors, and failed entries. */
  public static readonly TRANSIENT_ERRORS: string[] = frozen(['EventBridge.InternalException', 'EventBridge.ThrottlingException', 'EventBridge.FailedEntry']);

  /**
   * @throws WorkflowConfigurationError if `timeout` is not whole seconds, the retry policy is
   * out of bounds, or a setting of the other query language is set.
   */
  constructor(scope: Construct, id: string, props: PublishEventStepProps) {
    const timeout = props.timeout ?? Duration.seconds(10);
    const queryLanguage = stepQueryLanguage(props.queryLanguage);
    const jsonata = isJsonata(queryLanguage);
    super(scope, id, {
      entries: [{ eventBus: props.eventBus, source: props.source, detailType: props.detailType, detail: props.detail }],
      taskTimeout: taskTimeoutOf(timeout),
      queryLanguage,
      resultPath: jsonata ? undefined : (props.resultPath ?? sfn.JsonPath.DISCARD),
      outputs: jsonata ? (props.outputs ?? '{% $states.input %}') : undefined,
      assign: props.assign,
      stateName: props.stateName,
      comment: props.comment,
    });
    if (jsonata) {
      refuseJsonPathSettings(this, { resultPath: props.resultPath }, "drop resultPath: the state passes through unchanged by default; set outputs to shape it.");
    } else {
      refuseJsonataSettings(this, { outputs: props.outputs });
    }
    requireWholeSeconds(this, 'timeout', timeout);
    (props.retryPolicy ?? RetryPolicy.transient({ errors: [...PublishEventStep.TRANSIENT_ERRORS] })).applyTo(this);
  }
}
