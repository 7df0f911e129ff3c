import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { PaymentDeclined, PaymentProviderTimeout, PaymentProviderUnavailable } from './errors';
import { logger, tagInvocation } from './logger';
import { Order } from './order';
import { Charge, FLAKY_FAILURES, findCharge, PAYMENT_TOKENS } from './payment-provider';

export type { Charge } from './payment-provider';

interface ChargePaymentEvent extends LambdaStepEvent {
  readonly input: Order;
}

/**
 * Charges the order total to the order's payment token. The charge id derives from the order
 * id, which the provider uses as its idempotency key: a retried charge is not taken twice.
 *
 * @throws PaymentDeclined when the provider declines the token.
 * @throws PaymentProviderUnavailable when the provider is unavailable (retryable; nothing was charged).
 * @throws PaymentProviderTimeout when the provider does not answer in time: the charge may
 * have been taken (the saga refunds it, by the order's charge key).
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
  const charge = findCharge(order)!;
  if (token === PAYMENT_TOKENS.chargeTimeout) {
    logger.warn('Payment provider did not answer in time', { chargeId: charge.chargeId, retryCount: event.retryCount });
    throw new PaymentProviderTimeout(`The payment provider did not answer within 8 s; charge ${charge.chargeId} may have been taken`);
  }
  logger.info('Payment charged', { chargeId: charge.chargeId, amountCents: charge.amountCents, retryCount: event.retryCount });
  return charge;
};
