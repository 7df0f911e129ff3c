import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { logger, tagInvocation } from './logger';
import { idFor, Order } from './order';

interface SendConfirmationEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** Sends the order confirmation email (simulated: returns the message id it would send). */
export const handler = async (event: SendConfirmationEvent): Promise<{ messageId: string }> => {
  tagInvocation(event);
  const messageId = idFor('MSG', event.input.orderId);
  logger.info('Confirmation sent', { messageId });
  return { messageId };
};
