import type { ZohoInvoicePayload } from '../zoho-payloads';

/*
 * A second, independent implementation of the Zoho invoice model (zoho-invoice-model.ts), on
 * plain fixed-point BigInts rather than the Decimal class, so tests can check the library's
 * prediction against arithmetic that shares no code with it.
 */

const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

/** Fixed-point value (× 10^12) of a JSON number or numeric string in plain notation. */
function fixed(value: number | string): bigint {
  const text = String(value).trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`unsupported number ${text}`);
  const fraction = (match[3] ?? '').padEnd(SCALE, '0');
  if (fraction.length > SCALE) throw new Error(`too many decimals in ${text}`);
  const magnitude = BigInt(match[2]) * ONE + BigInt(fraction || '0');
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Rounds a fixed-point value (× 10^12) to `precision` decimals, ties away from zero; result × 10^12. */
function roundFixed(value: bigint, precision: number): bigint {
  const step = 10n ** BigInt(SCALE - precision);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const rounded = ((magnitude + step / 2n) / step) * step;
  return negative ? -rounded : rounded;
}

function mulFixed(a: bigint, b: bigint): bigint {
  return (a * b) / ONE; // exact for our inputs: callers round afterwards at far fewer digits
}

/** numerator / denominator as a fixed-point value (× 10^12) rounded to `precision` decimals, ties away from zero. */
function divToFixed(numerator: bigint, denominator: bigint, precision: number): bigint {
  const step = 10n ** BigInt(SCALE - precision);
  const negative = (numerator < 0n) !== (denominator < 0n);
  const n = numerator < 0n ? -numerator : numerator;
  const d = (denominator < 0n ? -denominator : denominator) * step;
  const units = (2n * n + d) / (2n * d);
  return (negative ? -units : units) * step;
}

function toText(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE + 1, '0');
  const whole = digits.slice(0, -SCALE);
  const fraction = digits.slice(-SCALE).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The invoice total by the model, as a normalised decimal string (e.g. "29.35", "1500"). */
export function independentZohoTotal(payload: ZohoInvoicePayload, percentages: ReadonlyMap<string, string>, precision: number): string {
  let subTotal = 0n;
  let taxTotal = 0n;
  for (const line of payload.line_items) {
    const gross = mulFixed(fixed(line.rate), fixed(line.quantity));
    let discount = 0n;
    if (typeof line.discount === 'string' && line.discount.trim().endsWith('%')) {
      discount = mulFixed(gross, fixed(line.discount.trim().slice(0, -1))) / 100n;
    } else if (line.discount !== undefined) {
      discount = fixed(line.discount);
    }
    const itemTotal = roundFixed(gross - discount, precision);
    subTotal += itemTotal;
    if (line.tax_id) {
      const percentage = percentages.get(line.tax_id);
      if (percentage === undefined) throw new Error(`unknown tax ${line.tax_id}`);
      const pct = fixed(percentage);
      const divisor = payload.is_inclusive_tax ? 100n * ONE + pct : 100n * ONE;
      // tax = itemTotal × pct / divisor; in fixed point (× 10^12) that is I × P / D.
      taxTotal += divToFixed(itemTotal * pct, divisor, precision);
    }
  }
  const total = subTotal + (payload.is_inclusive_tax ? 0n : taxTotal) + fixed(payload.shipping_charge ?? 0) + fixed(payload.adjustment);
  return toText(total);
}
