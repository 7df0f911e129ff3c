import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { OutOfStock } from './errors';
import { logger, tagInvocation } from './logger';
import { Order } from './order';
import { findReservation, Reservation, STOCK, shortLines } from './warehouse';

interface ReserveInventoryEvent extends LambdaStepEvent {
  readonly input: Order;
}

export type { Reservation } from './warehouse';

/**
 * Reserves every line of the order, or none. Reserving twice for one order returns the same
 * reservation (the id derives from the order id).
 *
 * @throws OutOfStock naming each line the warehouse cannot fill.
 */
export const handler = async (event: ReserveInventoryEvent): Promise<Reservation> => {
  tagInvocation(event);
  const order = event.input;
  const short = shortLines(order.items);
  if (short.length > 0) {
    const detail = short.map((item) => `${item.sku} (wanted ${item.quantity}, have ${STOCK[item.sku] ?? 0})`).join(', ');
    logger.warn('Out of stock', { skus: short.map((item) => item.sku) });
    throw new OutOfStock(`Not enough stock for ${detail}`);
  }
  const reservation: Reservation = findReservation(order)!;
  logger.info('Inventory reserved', { ...reservation });
  return reservation;
};
