/*
 * WooCommerce returns product, line and fee names HTML-encoded (`Ship Your Idea &ndash; Color:
 * Black`) and descriptions as HTML. Zoho shows fields as plain text, so these turn that markup into
 * the text a person would read.
 */

/** The named entities WordPress' texturize and WooCommerce actually emit, plus the XML five. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0',
  ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', times: '\u00D7', minus: '\u2212',
  lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201A', ldquo: '\u201C', rdquo: '\u201D', bdquo: '\u201E',
  laquo: '\u00AB', raquo: '\u00BB', prime: '\u2032', Prime: '\u2033', middot: '\u00B7', bull: '\u2022',
  copy: '\u00A9', reg: '\u00AE', trade: '\u2122', deg: '\u00B0', euro: '\u20AC', pound: '\u00A3',
  yen: '\u00A5', cent: '\u00A2', sect: '\u00A7', para: '\u00B6', frac12: '\u00BD', frac14: '\u00BC',
  frac34: '\u00BE', plusmn: '\u00B1', divide: '\u00F7', micro: '\u00B5',
};

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
const REPLACEMENT_CHARACTER = '\uFFFD';

function fromCodePoint(codePoint: number): string {
  const valid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : REPLACEMENT_CHARACTER;
}

/** Decodes numeric entities and the common named ones; unknown names are left as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(ENTITY, (whole, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return fromCodePoint(Number.parseInt(decimal, 10));
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
    return NAMED_ENTITIES[name as string] ?? whole;
  });
}

/**
 * Removes tags, keeping the line structure of block elements (`<p>`, `<br>`, `<li>`). Tag contents
 * of `<script>` and `<style>` are dropped with the tags: they are never text meant for an invoice.
 */
export function stripHtmlTags(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr)\s*>/gi, '\n')
    .replace(/<\/?[A-Za-z][^>]*>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/** Markup to plain text: tags first, then entities, so an encoded `&lt;b&gt;` stays visible text. */
export function htmlToText(html: string): string {
  return decodeHtmlEntities(stripHtmlTags(html));
}
