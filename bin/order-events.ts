import { createHash } from 'node:crypto';
import { CHECKOUT_SOURCE } from './order-processing-stack';

/**
 * The `OrderPlaced` event checkout publishes for an order, as EventBridge delivers it. The
 * event id derives from the order id, as a redelivery of the same event would carry it.
 */
export function orderPlacedEvent(order: { orderId: string; placedAt?: string }): Record<string, unknown> {
  const hash = createHash('sha256').update(order.orderId).digest('hex');
  return {
    'version': '0',
    'id': `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`,
    'detail-type': 'OrderPlaced',
    'source': CHECKOUT_SOURCE,
    'account': '123456789012',
    'time': order.placedAt ?? new Date().toISOString(),
    'region': 'us-east-1',
    'resources': [],
    'detail': order,
  };
}
