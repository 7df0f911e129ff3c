/**
 * Business errors of the order handlers. Each error's `name` is the ASL error name that
 * the workflow's Catch and Retry fields match.
 */

/** The order is malformed: it goes to OrderInvalid, nothing to compensate. */
export class ValidationError extends Error {
  public readonly name = 'ValidationError';
}

/** The warehouse cannot reserve every line. */
export class OutOfStock extends Error {
  public readonly name = 'OutOfStock';
}

/** The payment provider declined the charge; retrying will not help. */
export class PaymentDeclined extends Error {
  public readonly name = 'PaymentDeclined';
}

/** The payment provider is unavailable; safe to retry (the charge is keyed by order id). */
export class PaymentProviderUnavailable extends Error {
  public readonly name = 'PaymentProviderUnavailable';
}

/**
 * The payment provider did not answer in time: the charge may or may not have been taken.
 * Safe to retry (the charge is keyed by order id); after the retries the saga treats it as
 * ambiguous and refunds by that key.
 */
export class PaymentProviderTimeout extends Error {
  public readonly name = 'PaymentProviderTimeout';
}

/** The payment provider refused the refund; needs an operator. */
export class RefundFailed extends Error {
  public readonly name = 'RefundFailed';
}

/** The carrier cannot ship to the address. */
export class ShipmentFailed extends Error {
  public readonly name = 'ShipmentFailed';
}
