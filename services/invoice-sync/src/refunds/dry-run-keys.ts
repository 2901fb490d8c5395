/*
 * What an order's replay dry run remembers (ReplayDryRun.simulated) of the writes it planned, so
 * the steps after them (and later events of the order) judge as the live run would after them.
 */

/** Stands for the id of an invoice a dry run would have created, so later snapshots are judged against it. */
export const PLANNED_INVOICE = 'planned:';

/** Set once the dry run listed the order's payment: its invoice is paid from then on. */
export function plannedPaymentKey(connectionId: string, orderId: number): string {
  return `payment:${connectionId}:${orderId}`;
}

/** Set once the dry run listed marking the order's draft as sent. */
export function plannedMarkKey(connectionId: string, orderId: number): string {
  return `sent:${connectionId}:${orderId}`;
}
