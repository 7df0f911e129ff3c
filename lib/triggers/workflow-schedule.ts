import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { triggerDeadLetters } from './dead-letter-queue';
import { checkDeliveryLimits, DEFAULT_MAX_EVENT_AGE, DEFAULT_RETRY_ATTEMPTS } from './delivery-limits';

/** Options of a {@link WorkflowSchedule}, as `Workflow.addSchedule` takes them. */
export interface WorkflowScheduleOptions {
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
   * Where starts that fail after the retries go.
   * @default - a new encrypted queue (14 days) with an alarm on any message
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Retries of a start that fails (0–185).
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * How long a failing start is retried (1 minute to 24 hours).
   * @default Duration.hours(4)
   */
  readonly maxEventAge?: Duration;
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
    const retryAttempts = props.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const maxEventAge = props.maxEventAge ?? DEFAULT_MAX_EVENT_AGE;
    checkDeliveryLimits(this, retryAttempts, maxEventAge);
    const deadLetters = triggerDeadLetters(this, `Schedule ${this.node.path}`, props.deadLetterQueue);
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;
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
