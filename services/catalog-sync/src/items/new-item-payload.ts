import { cleanText, Decimal, ZOHO_FIELD_LIMITS } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import type { ItemRequestLine } from '@connector/contracts';
import type { ZohoItemInput } from '@connector/zoho-books';
import type { ItemIdentity } from './item-identity';

/**
 * The Zoho item created for an identity on its first order: name, SKU, the line's unit price as
 * its rate, and the line's description. Shipping and fees are services at rate 0 (each invoice
 * line carries its own amount). No default tax: invoice lines set theirs.
 */
export function newItemPayload(identity: ItemIdentity, line: ItemRequestLine): ZohoItemInput {
  if (identity.kind !== 'product') return { name: identity.name, rate: 0, product_type: 'service' };
  const description = cleanText(line.description, { maxLength: ZOHO_FIELD_LIMITS.itemDescription, html: true, multiline: true });
  return {
    name: identity.name,
    rate: rateOf(line),
    product_type: 'goods',
    ...(identity.sku ? { sku: identity.sku } : {}),
    ...(description ? { description } : {}),
  };
}

/** Zoho's API takes rates as JSON numbers; the exact decimal becomes one only here, at the edge. */
function rateOf(line: ItemRequestLine): number {
  try {
    const rate = Decimal.parse(String(line.rate ?? '0').trim() || '0');
    // A catalogue price is never negative; a negative line (a refund-like fee) only sets its own amount.
    return (rate.isNegative() ? Decimal.ZERO : rate).toNumber();
  } catch {
    throw new PermanentError(`line ${line.key}: rate "${String(line.rate).slice(0, 40)}" is not a decimal amount`);
  }
}
