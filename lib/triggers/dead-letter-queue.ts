import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagRules } from '../private/nag-acknowledgements';

/** Properties of a {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /**
   * What failed deliveries the queue keeps, for the alarm description.
   * @default - the construct path
   */
  readonly purpose?: string;
}

/**
 * A dead-letter queue for deliveries that failed after their retries (an EventBridge target,
 * a schedule): encrypted, TLS only, kept 14 days, with an alarm on any message, so a failed
 * delivery is neither lost nor silent. Add an action to `alarm` to be told.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export class DeadLetterQueue extends Construct {
  /** The queue. */
  public readonly queue: sqs.Queue;
  /** In alarm while the queue holds messages (no action until you add one). */
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id);
    const purpose = props.purpose ?? this.node.path;
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = 'This queue is itself a dead-letter queue; an alarm watches its messages.';
    acknowledgeNagRules(this.queue, { id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `${purpose}: deliveries that failed after their retries are waiting in the dead-letter queue.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
