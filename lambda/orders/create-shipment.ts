import type { LambdaStepEvent } from '../../lib/steps/lambda-step-event';
import { SHIPPING_COUNTRIES } from './carrier';
import { ShipmentFailed } from './errors';
import { logger, tagInvocation } from './logger';
import { idFor, Order } from './order';

interface CreateShipmentEvent extends LambdaStepEvent {
  readonly input: Order;
}

/** A shipment booked with the carrier. */
export interface Shipment {
  readonly shipmentId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
}

/**
 * Books the shipment with the carrier.
 *
 * @throws ShipmentFailed when the carrier does not deliver to the address's country.
 */
export const handler = async (event: CreateShipmentEvent): Promise<Shipment> => {
  tagInvocation(event);
  const { orderId, shippingAddress } = event.input;
  if (!SHIPPING_COUNTRIES.has(shippingAddress.country)) {
    logger.warn('Destination not served', { country: shippingAddress.country });
    throw new ShipmentFailed(`The carrier does not deliver to ${shippingAddress.country}`);
  }
  const shipment = { shipmentId: idFor('SHP', orderId), carrier: 'Parcelway', trackingNumber: `PW${orderId.replace(/\D/g, '').padStart(10, '0')}` };
  logger.info('Shipment created', { shipmentId: shipment.shipmentId });
  return shipment;
};
