import { Order, totalCents } from './order';

/** Email domains of disposable-address services: orders from them are riskier. */
export const DISPOSABLE_EMAIL_DOMAINS: ReadonlySet<string> = new Set(['mailinator.com', 'guerrillamail.com', 'trashmail.com']);

/** One signal of the fraud score, with its weight. */
export interface RiskSignal {
  readonly reason: string;
  readonly points: number;
}

/** The signals an order raises: a large total, a bulk line, a disposable email address. */
export function riskSignals(order: Order): RiskSignal[] {
  const signals: RiskSignal[] = [];
  if (totalCents(order) >= 100_000) signals.push({ reason: 'order total of 1,000 or more', points: 50 });
  if (order.items.some((item) => item.quantity >= 20)) signals.push({ reason: 'a line of 20 units or more', points: 30 });
  const domain = order.customer.email.split('@')[1]?.toLowerCase() ?? '';
  if (DISPOSABLE_EMAIL_DOMAINS.has(domain)) signals.push({ reason: 'disposable email domain', points: 40 });
  return signals;
}
