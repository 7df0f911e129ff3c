import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { ValidationError } from './errors';
import { logger, tagInvocation } from './logger';
import { CURRENCIES, Order, totalCents } from './order';

interface ValidateOrderEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** What the rest of the workflow needs to know about a valid order. */
export interface OrderValidation {
  readonly totalCents: number;
  readonly currency: string;
  readonly lineCount: number;
}

/**
 * Checks an order's shape and values.
 *
 * @throws ValidationError listing every problem found.
 */
export const handler = async (event: ValidateOrderEvent): Promise<OrderValidation> => {
  tagInvocation(event);
  const problems = problemsOf(event.input);
  if (problems.length > 0) {
    logger.warn('Order rejected', { problems });
    throw new ValidationError(problems.join('; '));
  }
  const order = event.input;
  logger.info('Order valid', { lines: order.items.length });
  return { totalCents: totalCents(order), currency: order.currency, lineCount: order.items.length };
};

function problemsOf(order: Partial<Order> | undefined): string[] {
  if (!order || typeof order !== 'object') return ['the order is not an object'];
  const problems: string[] = [];
  if (typeof order.orderId !== 'string' || !/^ORD-\d+$/.test(order.orderId)) problems.push('orderId must look like ORD-1234');
  if (!order.customer?.id) problems.push('customer.id is missing');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(order.customer?.email ?? '')) problems.push('customer.email is not an email address');
  if (!Array.isArray(order.items) || order.items.length === 0) {
    problems.push('items must list at least one line');
  } else {
    order.items.forEach((item, index) => {
      if (!item.sku) problems.push(`items[${index}].sku is missing`);
      if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 100) {
        problems.push(`items[${index}].quantity must be a whole number from 1 to 100 (got ${item.quantity})`);
      }
      if (!Number.isInteger(item.unitPriceCents) || item.unitPriceCents < 0) {
        problems.push(`items[${index}].unitPriceCents must be a whole number of cents >= 0`);
      }
    });
  }
  if (!CURRENCIES.has(order.currency ?? '')) problems.push(`currency must be one of ${[...CURRENCIES].join(', ')}`);
  if (!order.payment?.token) problems.push('payment.token is missing');
  const address = order.shippingAddress;
  for (const field of ['line1', 'city', 'postalCode'] as const) {
    if (!address?.[field]) problems.push(`shippingAddress.${field} is missing`);
  }
  if (!/^[A-Z]{2}$/.test(address?.country ?? '')) problems.push('shippingAddress.country must be an ISO 3166 alpha-2 code');
  return problems;
}
