/** Milliseconds of a WooCommerce GMT date (`2026-11-27T10:00:00`, no zone suffix), or undefined without a valid one. */
export function gmtMillis(date: string | null | undefined): number | undefined {
  if (!date) return undefined;
  const millis = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(date) ? date : `${date}Z`);
  return Number.isNaN(millis) ? undefined : millis;
}
