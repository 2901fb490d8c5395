import type { Decimal } from '../decimal/decimal';
import { localDateTime, utcDateTime } from '../time/zoned-time';

/** Formatting shared by the REST serialisers: site-local and GMT dates, money strings. */
export interface StoreView {
  /** Site URL without trailing slash, e.g. `http://127.0.0.1:41003`. */
  siteUrl: string;
  timeZone: string;
  decimals: number;
  currency: string;
  currencySymbol: string;
}

export function restBase(view: StoreView): string {
  return `${view.siteUrl}/wp-json/wc/v3`;
}

/** `wc_rest_prepare_date_response`: site-local `Y-m-d\TH:i:s`, or null. */
export function localDate(view: StoreView, epochMs: number | null): string | null {
  return epochMs === null ? null : localDateTime(epochMs, view.timeZone);
}

/** The `*_gmt` twin: UTC without `Z`, or null. */
export function gmtDate(epochMs: number | null): string | null {
  return epochMs === null ? null : utcDateTime(epochMs);
}

/** `wc_format_decimal($value, $dp)`: fixed decimals, half away from zero. */
export function money(value: Decimal, dp: number): string {
  return value.toFixed(dp);
}

/** An unrounded amount as WooCommerce stores it (`"0.9"`, `"1.636364"`). */
export function rawAmount(value: Decimal): string {
  return value.toString();
}

export function links(self: string, collection: string, extra: Record<string, string> = {}): Record<string, Array<{ href: string }>> {
  const out: Record<string, Array<{ href: string }>> = { self: [{ href: self }], collection: [{ href: collection }] };
  for (const [rel, href] of Object.entries(extra)) out[rel] = [{ href }];
  return out;
}
