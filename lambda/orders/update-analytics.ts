import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { logger, tagInvocation } from './logger';
import { Order, totalCents } from './order';

interface UpdateAnalyticsEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** Records the sale for analytics (simulated: returns what it would record). */
export const handler = async (event: UpdateAnalyticsEvent): Promise<{ recorded: boolean; revenueCents: number }> => {
  tagInvocation(event);
  const revenueCents = totalCents(event.input);
  logger.info('Sale recorded', { revenueCents });
  return { recorded: true, revenueCents };
};
