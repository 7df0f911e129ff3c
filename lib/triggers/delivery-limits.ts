import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { requireWholeSeconds } from '../durations';
import { WorkflowConfigurationError } from '../errors';

/** Retries of an undelivered start, by default (EventBridge allows 0–185). */
export const DEFAULT_RETRY_ATTEMPTS = 10;
/** How long an undelivered start is retried, by default (EventBridge allows 1 minute to 24 hours). */
export const DEFAULT_MAX_EVENT_AGE = Duration.hours(4);

/**
 * Checks a target's retry settings against EventBridge's bounds.
 *
 * @throws WorkflowConfigurationError for retries outside 0–185 or an age outside 60–86,400 s.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export function checkDeliveryLimits(scope: IConstruct, retryAttempts: number, maxEventAge: Duration): void {
  if (!Token.isUnresolved(retryAttempts) && (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185)) {
    throw new WorkflowConfigurationError(scope, `retryAttempts must be a whole number from 0 to 185 (got ${retryAttempts}).`, 'pass retryAttempts between 0 and 185.');
  }
  requireWholeSeconds(scope, 'maxEventAge', maxEventAge, { min: 60, max: 86_400 });
}
