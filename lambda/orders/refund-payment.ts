import type { LambdaStepEvent } from '../../lib/lambda-step-event';
import type { Charge } from './charge-payment';
import { RefundFailed } from './errors';
import { logger, tagInvocation } from './logger';
import { idFor, Order } from './order';
import { PAYMENT_TOKENS } from './payment-provider';

interface RefundPaymentEvent extends LambdaStepEvent {
  readonly input: Order & { readonly charge?: Charge };
}

/**
 * Compensation of charge-payment: refunds the charge in full. Idempotent (the refund id
 * derives from the order id).
 *
 * @throws RefundFailed when the provider refuses the refund.
 */
export const handler = async (event: RefundPaymentEvent): Promise<{ refundId: string | null; amountCents: number }> => {
  tagInvocation(event);
  const { charge, payment, orderId } = event.input;
  if (!charge) return { refundId: null, amountCents: 0 };
  if (payment.token === PAYMENT_TOKENS.refundRefused) {
    logger.error('Refund refused', { chargeId: charge.chargeId });
    throw new RefundFailed(`The provider refused to refund ${charge.chargeId}: card account closed`);
  }
  logger.info('Payment refunded', { chargeId: charge.chargeId });
  return { refundId: idFor('RF', orderId), amountCents: charge.amountCents };
};
