import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DeliveryOptions } from './delivery-options';
import { resolveDelivery } from './resolve-delivery';

/** Options of a {@link WorkflowSchedule}, as `Workflow.addSchedule` takes them. */
export interface WorkflowScheduleOptions extends DeliveryOptions {
  /**
   * When executions start, with its time zone, e.g.
   * `scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON })`.
   */
  readonly schedule: scheduler.ScheduleExpression;
  /**
   * The execution input.
   * @default - `{ "scheduledTime": <the scheduled time>, "scheduleArn": <the schedule> }`; the
   * scheduled time identifies the run, so a step can be idempotent on it
   */
  readonly input?: scheduler.ScheduleTargetInput;
  /**
   * A window in which the start may happen, to spread load.
   * @default - on time (TimeWindow.off())
   */
  readonly timeWindow?: scheduler.TimeWindow;
  /**
   * The schedule description.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether the schedule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Properties of a {@link WorkflowSchedule}. */
export interface WorkflowScheduleProps extends WorkflowScheduleOptions {
  /** The state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
}

/**
 * An EventBridge Scheduler schedule that starts an execution, with a time zone, retries, a
 * maximum event age and a dead-letter queue, through a role allowed only
 * `states:StartExecution` on this state machine.
 *
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/what-is-scheduler.html
 */
export class WorkflowSchedule extends Construct {
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** Where undelivered starts go. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** In alarm while the dead-letter queue holds messages (when the schedule created the queue). */
  public readonly deadLetterAlarm?: cloudwatch.Alarm;

  /** @throws WorkflowConfigurationError for retry settings outside Scheduler's bounds. */
  constructor(scope: Construct, id: string, props: WorkflowScheduleProps) {
    super(scope, id);
    const { retryAttempts, maxEventAge, deadLetterQueue, deadLetterAlarm } = resolveDelivery(this, props, `Schedule ${this.node.path}`);
    this.deadLetterQueue = deadLetterQueue;
    this.deadLetterAlarm = deadLetterAlarm;
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule,
      description: props.description,
      enabled: props.enabled,
      timeWindow: props.timeWindow,
      target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
        input: props.input ?? scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          scheduleArn: scheduler.ContextAttribute.scheduleArn,
        }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts,
        maxEventAge,
      }),
    });
  }
}
