/** An order as the shop's checkout places it (see examples/orders/). Amounts are in cents. */
export interface Order {
  readonly orderId: string;
  readonly placedAt: string;
  readonly customer: { readonly id: string; readonly name: string; readonly email: string };
  readonly items: OrderItem[];
  readonly currency: string;
  readonly payment: { readonly method: string; readonly token: string };
  readonly shippingAddress: {
    readonly line1: string;
    readonly city: string;
    readonly postalCode: string;
    readonly country: string;
  };
}

/** One order line. */
export interface OrderItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** Currencies the shop sells in. */
export const CURRENCIES: ReadonlySet<string> = new Set(['EUR', 'GBP', 'USD']);

/** The order total in cents. */
export function totalCents(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** A short deterministic suffix for ids derived from the order id (handlers are pure). */
export function idFor(prefix: string, orderId: string): string {
  return `${prefix}-${orderId.replace(/^ORD-/, '')}`;
}
