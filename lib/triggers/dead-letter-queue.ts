import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagRules } from '../nag-acknowledgements';

/** A dead-letter queue for a trigger, and the alarm that makes its messages visible. */
export interface TriggerDeadLetters {
  readonly queue: sqs.IQueue;
  /** In alarm while the queue holds messages (no action until you add one). */
  readonly alarm?: cloudwatch.Alarm;
}

/**
 * The queue where EventBridge (or EventBridge Scheduler) puts a start it could not deliver
 * after its retries: encrypted, TLS only, kept 14 days, with an alarm on any message, so a
 * rejected start is never lost silently. A given queue is used as is, without an alarm.
 */
export function triggerDeadLetters(scope: Construct, description: string, queue?: sqs.IQueue): TriggerDeadLetters {
  if (queue) return { queue };
  const created = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = 'This queue is itself the dead-letter queue of an EventBridge target; an alarm watches its messages.';
  acknowledgeNagRules(created, { id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  const alarm = new cloudwatch.Alarm(scope, 'DeadLetterAlarm', {
    alarmDescription: `${description}: starts that could not be delivered are waiting in the dead-letter queue.`,
    metric: created.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { queue: created, alarm };
}
