import { idFor, Order, OrderItem } from './order';

/** A reservation held for an order. */
export interface Reservation {
  readonly reservationId: string;
  readonly units: number;
}

/**
 * The simulated warehouse's stock, by SKU. An order line asking for more than this is out of
 * stock; an unknown SKU has none.
 */
export const STOCK: Readonly<Record<string, number>> = {
  'BOOK-DDIA': 25,
  'BOOK-SRE': 12,
  'MUG-LAMBDA': 140,
  'HOODIE-STEP-M': 8,
  'KEYBOARD-TKL': 3,
  'HEADPHONES-NC1': 0,
};

/** The lines the warehouse cannot fill. */
export function shortLines(items: OrderItem[]): OrderItem[] {
  return items.filter((item) => (STOCK[item.sku] ?? 0) < item.quantity);
}

/**
 * The reservation the warehouse holds for an order, or `undefined` ("no such reservation"):
 * it reserved every line of an order it could fill, and nothing of one it could not. Asked
 * any number of times, it gives the same answer.
 */
export function findReservation(order: Order): Reservation | undefined {
  if (shortLines(order.items).length > 0) return undefined;
  return { reservationId: idFor('RES', order.orderId), units: order.items.reduce((n, item) => n + item.quantity, 0) };
}
