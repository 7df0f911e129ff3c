import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** How a trigger delivers a start that fails: retries, for how long, then where it goes. */
export interface DeliveryOptions {
  /**
   * Where starts that fail after the retries go.
   * @default - a new DeadLetterQueue: encrypted, 14 days, with an alarm on any message
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
}
