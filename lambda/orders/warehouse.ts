import { OrderItem } from './order';

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
