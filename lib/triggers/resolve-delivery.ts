import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { requireWholeSeconds } from '../private/durations';
import { WorkflowConfigurationError } from '../private/errors';
import { DeadLetterQueue } from './dead-letter-queue';
import { DeliveryOptions } from './delivery-options';

/** Delivery settings with their defaults applied, and the dead-letter queue to use. */
export interface ResolvedDelivery {
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly deadLetterQueue: sqs.IQueue;
  /** The alarm of the dead-letter queue, when one was created. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;
}

/**
 * Applies the defaults, checks EventBridge's bounds and creates the dead-letter queue if none
 * was given.
 *
 * @throws WorkflowConfigurationError for retries outside 0–185 or an age outside 60–86,400 s.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export function resolveDelivery(scope: Construct, options: DeliveryOptions, purpose: string): ResolvedDelivery {
  const retryAttempts = options.retryAttempts ?? 10;
  const maxEventAge = options.maxEventAge ?? Duration.hours(4);
  if (!Token.isUnresolved(retryAttempts) && (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185)) {
    throw new WorkflowConfigurationError(scope, `retryAttempts must be a whole number from 0 to 185 (got ${retryAttempts}).`, 'pass retryAttempts between 0 and 185.');
  }
  requireWholeSeconds(scope, 'maxEventAge', maxEventAge, { min: 60, max: 86_400 });
  if (options.deadLetterQueue) return { retryAttempts, maxEventAge, deadLetterQueue: options.deadLetterQueue };
  const created = new DeadLetterQueue(scope, 'DeadLetterQueue', { purpose });
  return { retryAttempts, maxEventAge, deadLetterQueue: created.queue, deadLetterAlarm: created.alarm };
}
