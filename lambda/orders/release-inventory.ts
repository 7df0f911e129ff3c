import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { logger, tagInvocation } from './logger';
import { Order } from './order';
import { findReservation, Reservation } from './warehouse';

interface ReleaseInventoryEvent extends LambdaStepEvent {
  readonly input: Order & { readonly reservation?: Reservation };
}

/**
 * Compensation of reserve-inventory: releases the order's reservation. It asks the warehouse
 * for the order's reservation rather than trusting `input.reservation`, which is missing when
 * the reservation failed ambiguously: "no such reservation" is success with nothing to undo
 * (`releasedReservationId: null`). Idempotent.
 */
export const handler = async (event: ReleaseInventoryEvent): Promise<{ releasedReservationId: string | null }> => {
  tagInvocation(event);
  const reservationId = findReservation(event.input)?.reservationId ?? null;
  logger.info(reservationId ? 'Inventory released' : 'No such reservation: nothing to release', { reservationId });
  return { releasedReservationId: reservationId };
};
