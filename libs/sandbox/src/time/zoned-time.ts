/**
 * Wall-clock parts of an instant in an IANA time zone, via Intl (no tz database of our own).
 * Both fakes need this: WooCommerce prints site-local dates next to the `*_gmt` ones, and Zoho
 * prints timestamps with the organisation's UTC offset and decides "today" in its time zone.
 */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Local time minus UTC, in minutes (e.g. 120 for Europe/Berlin in summer). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a time zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  const localAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    offsetMinutes: Math.round((localAsUtc - wholeSecondMs) / 60_000),
  };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `YYYY-MM-DD` in the zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DDTHH:MM:SS` in the zone, without offset (WordPress's site-local format). */
export function localDateTime(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, without `Z` (WordPress's `*_gmt` format). */
export function utcDateTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19);
}

/** `YYYY-MM-DDTHH:MM:SS+hhmm` in the zone (Zoho's timestamp format: offset without colon). */
export function zohoTimestamp(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone);
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(p.offsetMinutes);
  return `${localDateTime(epochMs, timeZone)}${sign}${pad(Math.floor(offset / 60))}${pad(offset % 60)}`;
}

/** Seconds from the instant to the next local midnight in the zone. */
export function secondsUntilLocalMidnight(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  const elapsed = p.hour * 3600 + p.minute * 60 + p.second;
  return Math.max(1, 86_400 - elapsed);
}

/**
 * The instant of a wall-clock time in the zone. Times that do not exist (DST gaps) move forward
 * by the gap, as PHP does.
 */
export function instantFromLocal(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  timeZone: string,
): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  let guess = asUtc - zonedParts(asUtc, timeZone).offsetMinutes * 60_000;
  // A second pass settles instants whose offset differs from the first guess (near DST changes).
  guess = asUtc - zonedParts(guess, timeZone).offsetMinutes * 60_000;
  return guess;
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = Date.UTC(y!, m! - 1, d! + days);
  return new Date(t).toISOString().slice(0, 10);
}

export function isIsoDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === text;
}
