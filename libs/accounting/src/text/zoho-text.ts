import { htmlToText } from './html';

/*
 * Text for Zoho fields. Store data is hostile by default: names with emoji, quotes, markup,
 * control characters, bidirectional overrides or thousands of characters. It is carried as data
 * (JSON-encoded by the client, never interpolated into markup), so the job here is only to make it
 * well-formed, readable and within Zoho's length limits.
 *
 * Length limits are counted in UTF-16 code units. That is what a Java-based API like Zoho's
 * measures with `String.length()`, and it is never less than the number of characters, so the
 * result fits whichever way Zoho counts. Truncation happens at grapheme-cluster boundaries, so an
 * emoji, a flag or a letter with its accent is kept whole or dropped whole, never split into a
 * broken surrogate pair.
 */

export interface TextOptions {
  /** Maximum length in UTF-16 code units (see above). */
  maxLength: number;
  /** Keep line breaks (descriptions, notes). Single-line fields turn them into spaces. */
  multiline?: boolean;
  /** The source is HTML or HTML-encoded (WooCommerce names and descriptions). */
  html?: boolean;
}

const ELLIPSIS = '\u2026';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls except tab and line breaks, which are whitespace handled below. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Bidirectional embedding/override/isolate marks ("Trojan Source"), the BOM and line/paragraph separators. */
const INVISIBLE_FORMATTING = /[\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LINE_SEPARATORS = /\r\n?|[\u2028\u2029\u0085]/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Replaces unpaired surrogates (invalid UTF-16 that JSON can still carry) with U+FFFD. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Shortens `text` to at most `maxLength` UTF-16 code units at a grapheme boundary, ending with "…"
 * when something was cut so a reader can tell.
 */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 0) return '';
  const budget = maxLength - ELLIPSIS.length;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length + segment.length > budget) break;
    kept += segment;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}

function collapseSingleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function collapseMultiline(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Turns any store value into clean text for a Zoho field: `null`/`undefined` become `""`,
 * numbers their string form; markup decoded when `html`; controls and invisible formatting
 * removed; whitespace collapsed; NFC-normalised (so "é" typed two ways compares equal); truncated.
 */
export function cleanText(raw: unknown, options: TextOptions): string {
  if (raw === null || raw === undefined) return '';
  let text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  text = toWellFormed(text);
  if (options.html) text = htmlToText(text);
  text = text
    .replace(LINE_SEPARATORS, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(INVISIBLE_FORMATTING, '')
    .normalize('NFC');
  text = options.multiline ? collapseMultiline(text) : collapseSingleLine(text);
  return truncateText(text, options.maxLength);
}
