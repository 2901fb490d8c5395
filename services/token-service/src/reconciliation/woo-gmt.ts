/*
 * WooCommerce writes GMT times as `YYYY-MM-DDTHH:MM:SS`: no zone, one-second resolution. The
 * `modified_after` filter (with `dates_are_gmt=true`) takes the same shape, so checkpoints are
 * kept in it and compared as instants.
 */

const WOO_GMT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/;

/** A Date as WooCommerce's GMT text (fractions of a second dropped, never rounded up). */
export function toWooGmt(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** The instant of a WooCommerce GMT time, or undefined when it is not one. */
export function parseWooGmt(value: string | null | undefined): Date | undefined {
  const match = value ? WOO_GMT.exec(value) : null;
  if (!match) return undefined;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `value` moved by `seconds` (negative: earlier). */
export function shiftWooGmt(value: string, seconds: number): string {
  const date = parseWooGmt(value);
  if (!date) throw new Error(`"${value}" is not a WooCommerce GMT time`);
  return toWooGmt(new Date(date.getTime() + seconds * 1000));
}

/** Orders of two GMT times as instants; unparseable text sorts first, as "never". */
export function compareWooGmt(a: string | null | undefined, b: string | null | undefined): number {
  const x = parseWooGmt(a)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const y = parseWooGmt(b)?.getTime() ?? Number.NEGATIVE_INFINITY;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The later of two GMT times. */
export function laterWooGmt(a: string, b: string): string {
  return compareWooGmt(a, b) >= 0 ? a : b;
}

/** The earlier of two GMT times. */
export function earlierWooGmt(a: string, b: string): string {
  return compareWooGmt(a, b) <= 0 ? a : b;
}
