import type { LambdaStepEvent } from '../../lib/lambda-step-event';
import { logger, tagInvocation } from './logger';
import { Order } from './order';
import type { Reservation } from './reserve-inventory';

interface ReleaseInventoryEvent extends LambdaStepEvent {
  readonly input: Order & { readonly reservation?: Reservation };
}

/** Compensation of reserve-inventory: releases the order's reservation. Idempotent. */
export const handler = async (event: ReleaseInventoryEvent): Promise<{ releasedReservationId: string | null }> => {
  tagInvocation(event);
  const reservationId = event.input.reservation?.reservationId ?? null;
  logger.info('Inventory released', { reservationId });
  return { releasedReservationId: reservationId };
};
