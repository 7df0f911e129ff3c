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
  /** The provider stays unavailable: every attempt fails. */
  outage: 'tok_providerOutage',
  /** The charge succeeds but the refund is refused (the card was closed meanwhile). */
  refundRefused: 'tok_refundRefused',
} as const;

/** Attempts of the flaky token that fail before one succeeds. */
export const FLAKY_FAILURES = 2;
