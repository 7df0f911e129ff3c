import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DeliveryOptions } from './delivery-options';
import { resolveDelivery } from './resolve-delivery';

/** Options of an {@link EventTrigger}, as `Workflow.addEventTrigger` takes them. */
export interface EventTriggerOptions extends DeliveryOptions {
  /** Which events start an execution. */
  readonly eventPattern: events.EventPattern;
  /**
   * The bus the events arrive on.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The execution input: the event (default), a part of it
   * (`events.RuleTargetInput.fromEventPath('$.detail')`), or a transformation
   * (`events.RuleTargetInput.fromObject({ order: events.EventField.fromPath('$.detail'), eventId: events.EventField.eventId })`).
   *
   * EventBridge delivers at least once and a rule target cannot name the execution, so a
   * redelivered event starts a second execution: carry `EventField.eventId` (or a business key
   * such as an order id) into the input and make the first step idempotent on it.
   * @default - the whole event, its `id` included
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
   */
  readonly input?: events.RuleTargetInput;
  /**
   * The rule name.
   * @default - generated
   */
  readonly ruleName?: string;
  /**
   * The rule description.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether the rule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Properties of an {@link EventTrigger}. */
export interface EventTriggerProps extends EventTriggerOptions {
  /** The state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
}

/**
 * An EventBridge rule that starts an execution for each matching event, with retries, a
 * maximum event age and a dead-letter queue, through a role allowed only
 * `states:StartExecution` on this state machine.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-cloudwatch-events-s3.html
 */
export class EventTrigger extends Construct {
  /** The rule. */
  public readonly rule: events.Rule;
  /** Where undelivered starts go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** In alarm while the dead-letter queue holds messages (when the trigger created the queue). */
  public readonly deadLetterAlarm?: cloudwatch.Alarm;

  /** @throws WorkflowConfigurationError for retry settings outside EventBridge's bounds. */
  constructor(scope: Construct, id: string, props: EventTriggerProps) {
    super(scope, id);
    const { retryAttempts, maxEventAge, deadLetterQueue, deadLetterAlarm } = resolveDelivery(this, props, `Event trigger ${this.node.path}`);
    this.deadLetterQueue = deadLetterQueue;
    this.deadLetterAlarm = deadLetterAlarm;
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.eventBus,
      eventPattern: props.eventPattern,
      ruleName: props.ruleName,
      description: props.description,
      enabled: props.enabled,
      targets: [
        new targets.SfnStateMachine(props.stateMachine, {
          input: props.input,
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts,
          maxEventAge,
        }),
      ],
    });
  }
}
