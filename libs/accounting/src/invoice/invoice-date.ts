import type { WooOrder } from '@connector/contracts';
import { InvalidOrderError, InvoiceContextError } from '../invoice-errors';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new InvoiceContextError(`unknown store time zone ${JSON.stringify(timeZone)} (expected an IANA name such as Europe/Berlin)`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** yyyy-mm-dd of an instant in a time zone. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The invoice date: the day the order was placed, in the store's time zone. It is computed from
 * `date_created_gmt` rather than taken from `date_created`, because the latter is in WordPress'
 * site time zone, which need not be the one the books are kept in (the classic "one day off"
 * between UTC and IST). Without a GMT date, the site-local date is the best remaining evidence.
 */
export function invoiceDate(order: WooOrder, storeTimeZone: string): string {
  formatterFor(storeTimeZone);
  if (order.date_created_gmt) {
    const instant = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(order.date_created_gmt) ? order.date_created_gmt : `${order.date_created_gmt}Z`);
    if (!Number.isNaN(instant.getTime())) return calendarDateIn(instant, storeTimeZone);
  }
  const local = /^(\d{4}-\d{2}-\d{2})/.exec(order.date_created ?? '');
  if (local) return local[1];
  throw new InvalidOrderError(order.id, 'it has no creation date');
}
