import type { InboundEvent } from '@connector/messaging';

/** One order of one connection: the key its events are serialized under (advisory lock, replay lane). */
export function orderKey(connectionId: string, orderId: number): string {
  return `order:${connectionId}:${orderId}`;
}

/** The order id an event's body names, if it names one. */
export function orderIdOf(event: InboundEvent): number | null {
  const id = (event.body as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

/**
 * The order id an event names, read from its Connector-Resource-Id header when that is a whole
 * number (the gateway and the reconciliation sweep set it from the body) and from the body
 * otherwise. Cheap: most events are told apart without parsing them.
 */
export function namedOrderId(event: InboundEvent): number | null {
  const named = event.resourceId;
  return named && WHOLE_NUMBER.test(named) ? Number(named) : orderIdOf(event);
}

const WHOLE_NUMBER = /^\d{1,15}$/;

/**
 * The replay lane of an event: its order's, so one order's snapshots are judged in stream order;
 * an event naming no order touches no order record and gets a lane of its own.
 */
export function orderLaneOf(event: InboundEvent): string {
  const orderId = namedOrderId(event);
  return orderId === null ? `seq:${event.seq}` : orderKey(event.connectionId, orderId);
}
