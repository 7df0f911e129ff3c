import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';

/** One structured logger per handler bundle; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ serviceName: 'orders' });

/**
 * Tags every log line of this invocation with the execution id and the order id. Logs carry
 * ids only: customer names, emails and addresses stay out of logs.
 */
export function tagInvocation(event: LambdaStepEvent): void {
  logger.resetKeys();
  logger.appendKeys({ correlationId: event.correlationId, state: event.stateName, orderId: event.input?.orderId });
}
