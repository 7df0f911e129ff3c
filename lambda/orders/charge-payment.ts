import type { LambdaStepEvent } from '../../lib/lambda-step-event';
import { PaymentDeclined, PaymentProviderUnavailable } from './errors';
import { logger, tagInvocation } from './logger';
import { idFor, Order, totalCents } from './order';
import { FLAKY_FAILURES, PAYMENT_TOKENS } from './payment-provider';

interface ChargePaymentEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** A captured payment. */
export interface Charge {
  readonly chargeId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/**
 * Charges the order total to the order's payment token. The charge id derives from the order
 * id, which the provider uses as its idempotency key: a retried charge is not taken twice.
 *
 * @throws PaymentDeclined when the provider declines the token.
 * @throws PaymentProviderUnavailable when the provider is unavailable (retryable).
 */
export const handler = async (event: ChargePaymentEvent): Promise<Charge> => {
  tagInvocation(event);
  const order = event.input;
  const token = order.payment.token;
  if (token === PAYMENT_TOKENS.declined) {
    logger.warn('Charge declined');
    throw new PaymentDeclined('The card issuer declined the charge (do_not_honor)');
  }
  if (token === PAYMENT_TOKENS.outage || (token === PAYMENT_TOKENS.flaky && event.retryCount < FLAKY_FAILURES)) {
    logger.warn('Payment provider unavailable', { retryCount: event.retryCount });
    throw new PaymentProviderUnavailable('The payment provider answered 503 Service Unavailable');
  }
  const charge = { chargeId: idFor('CH', order.orderId), amountCents: totalCents(order), currency: order.currency };
  logger.info('Payment charged', { chargeId: charge.chargeId, amountCents: charge.amountCents, retryCount: event.retryCount });
  return charge;
};
