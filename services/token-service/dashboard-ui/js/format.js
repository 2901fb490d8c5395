// Display formats. Amounts arrive as exact decimal strings and stay strings: Intl formats a
// string without going through a float, and differences are computed on integers.

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const numberFormat = new Intl.NumberFormat(undefined);
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
const moneyFormats = new Map();

export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '—';
  const key = currency || '';
  if (!moneyFormats.has(key)) {
    let format = null;
    try {
      if (currency) format = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 20 });
    } catch {
      // not an ISO currency code: show the amount with the code as given
    }
    moneyFormats.set(key, format);
  }
  const format = moneyFormats.get(key);
  return format ? format.format(String(amount)) : `${amount}${currency ? ` ${currency}` : ''}`;
}

export const count = (value) => numberFormat.format(value);

/** "1 order", "1,200 orders": nouns whose plural takes an s. */
export const plural = (n, noun) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;

export function dateTime(value) {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : '—';
}

/** "5:00 AM UTC": a time of day within the next day or so, with its zone (Zoho's day need not end at midnight). */
export function clockTime(value) {
  const date = toDate(value);
  return date ? clockFormat.format(date) : '—';
}

const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago"; under ten seconds is "just now", so a polling list does not flicker. */
export function relative(value, now = Date.now()) {
  const date = toDate(value);
  if (!date) return '—';
  const seconds = (date.getTime() - now) / 1000;
  if (Math.abs(seconds) < 10) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return '—';
}

function toDate(value) {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseDecimal(text) {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(String(text ?? '').trim());
  if (!match) return null;
  const fraction = match[3] ?? '';
  return { units: BigInt(`${match[1] ?? ''}${match[2]}${fraction}`), scale: fraction.length };
}

/** `a − b` exactly, as a decimal string; null when either is not a plain decimal. */
export function subtractDecimal(a, b) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return null;
  const scale = Math.max(x.scale, y.scale);
  const units = x.units * 10n ** BigInt(scale - x.scale) - y.units * 10n ** BigInt(scale - y.scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? `.${digits.slice(-scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function bytes(value) {
  if (value < 1024) return `${count(value)} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${(value / 1024 / 1024).toFixed(1)} MB`;
}
