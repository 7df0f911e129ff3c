import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { RefundFailed } from './errors';
import { logger, tagInvocation } from './logger';
import { idFor, Order } from './order';
import { Charge, chargeIdFor, findCharge, PAYMENT_TOKENS } from './payment-provider';

interface RefundPaymentEvent extends LambdaStepEvent {
  readonly input: Order & { readonly charge?: Charge };
}

/** What a refund did: refunded the charge, or found no charge to refund. */
export interface Refund {
  readonly chargeId: string;
  readonly status: 'REFUNDED' | 'NO_SUCH_CHARGE';
  readonly refundId: string | null;
  readonly amountCents: number;
}

/**
 * Compensation of charge-payment: refunds the order's charge in full. It asks the provider by
 * the order's charge key rather than trusting `input.charge`, which is missing when the charge
 * failed ambiguously (its reply was lost, it timed out): the provider either holds the charge,
 * which is refunded, or answers "no such charge", which is success with nothing to undo.
 * Idempotent: the refund id derives from the order id, and the answer never changes.
 *
 * @throws RefundFailed when the provider refuses the refund.
 */
export const handler = async (event: RefundPaymentEvent): Promise<Refund> => {
  tagInvocation(event);
  const order = event.input;
  const chargeId = order.charge?.chargeId ?? chargeIdFor(order.orderId);
  const charge = findCharge(order);
  if (!charge) {
    logger.info('No such charge: nothing to refund', { chargeId });
    return { chargeId, status: 'NO_SUCH_CHARGE', refundId: null, amountCents: 0 };
  }
  if (order.payment.token === PAYMENT_TOKENS.refundRefused) {
    logger.error('Refund refused', { chargeId });
    throw new RefundFailed(`The provider refused to refund ${chargeId}: card account closed`);
  }
  logger.info('Payment refunded', { chargeId, amountCents: charge.amountCents });
  return { chargeId, status: 'REFUNDED', refundId: idFor('RF', order.orderId), amountCents: charge.amountCents };
};
