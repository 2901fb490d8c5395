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
 * The replay lane of an event: its order's, so one order's snapshots are judged in stream order;
 * an event naming no order touches no order record and gets a lane of its own.
 */
export function orderLaneOf(event: InboundEvent): string {
  const orderId = orderIdOf(event);
  return orderId === null ? `seq:${event.seq}` : orderKey(event.connectionId, orderId);
}
