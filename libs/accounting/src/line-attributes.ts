import type { WooMetaData } from '@connector/contracts';
import { cleanText } from './text/zoho-text';

/** A customer-visible property of an order line: a variation attribute or a product add-on. */
export interface LineAttribute {
  name: string;
  value: string;
}

const PART_LIMIT = 200;

/** `pa_color` → `Color`, `gift-wrap` → `Gift wrap`: how WooCommerce labels a key it has no label for. */
function humanizeKey(key: string): string {
  const words = key.replace(/^pa_/, '').replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * The attributes WooCommerce shows for an order line: meta entries whose key does not start with
 * `_` (hidden by convention) and whose value is a plain string or number. The display label and
 * value of newer WooCommerce are preferred (`Color` / `Black` rather than `pa_color` / `black`).
 */
export function visibleLineAttributes(meta: readonly WooMetaData[] | undefined): LineAttribute[] {
  const attributes: LineAttribute[] = [];
  for (const entry of meta ?? []) {
    if (typeof entry.key !== 'string' || entry.key.startsWith('_')) continue;
    const rawValue = scalarText(entry.display_value) ?? scalarText(entry.value);
    if (rawValue === undefined) continue;
    const rawName = typeof entry.display_key === 'string' && entry.display_key.trim() !== '' ? entry.display_key : humanizeKey(entry.key);
    const name = cleanText(rawName, { maxLength: PART_LIMIT, html: true });
    const value = cleanText(rawValue, { maxLength: PART_LIMIT, html: true });
    if (name !== '' && value !== '') attributes.push({ name, value });
  }
  return attributes;
}

/** `Color: Black, Size: M` */
export function formatAttributes(attributes: readonly LineAttribute[]): string {
  return attributes.map((attribute) => `${attribute.name}: ${attribute.value}`).join(', ');
}
