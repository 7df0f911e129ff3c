import { idFor, Order, totalCents } from './order';

/**
 * The simulated payment provider. Orders carry a payment token (never a card number); the
 * provider's behaviour follows the token, in the style of card networks' test tokens.
 */
export const PAYMENT_TOKENS = {
  /** Charges and refunds succeed. */
  approved: ['tok_visa', 'tok_mastercard', 'tok_amex'],
  /** The charge is declined. */
  declined: 'tok_chargeDeclined',
  /** The provider is briefly unavailable: the first two attempts fail, the third succeeds. */
  flaky: 'tok_processingError',
  /** The provider stays unavailable: every attempt fails, and nothing is charged. */
  outage: 'tok_providerOutage',
  /** The charge succeeds but the refund is refused (the card was closed meanwhile). */
  refundRefused: 'tok_refundRefused',
  /**
   * The provider takes the charge but its reply never arrives in time, on every attempt: the
   * charge handler cannot tell whether the money was taken (`PaymentProviderTimeout`).
   */
  chargeTimeout: 'tok_chargeTimeout',
} as const;

/** Attempts of the flaky token that fail before one succeeds. */
export const FLAKY_FAILURES = 2;

/** A captured payment. */
export interface Charge {
  readonly chargeId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/**
 * The provider's idempotency key for an order's charge: a retried charge with the same key is
 * not taken twice, and a refund finds the charge by it even when the charge's reply was lost.
 */
export function chargeIdFor(orderId: string): string {
  return idFor('CH', orderId);
}

/**
 * What the provider holds for the order's charge key: the charge, or `undefined` ("no such
 * charge"). Asked any number of times, it gives the same answer. The provider took the charge
 * for every token except a declined one and one whose provider was down.
 */
export function findCharge(order: Order): Charge | undefined {
  const token = order.payment.token;
  if (token === PAYMENT_TOKENS.declined || token === PAYMENT_TOKENS.outage) return undefined;
  return { chargeId: chargeIdFor(order.orderId), amountCents: totalCents(order), currency: order.currency };
}
