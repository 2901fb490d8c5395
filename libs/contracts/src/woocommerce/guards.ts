import type { WooCustomer } from './customer';
import type { WooErrorBody } from './error-body';
import type { WooOrder } from './order';

/*
 * Runtime checks for JSON that claims to be a WooCommerce payload. They check the fields the
 * integration relies on (ids, money strings, the line arrays), not every documented field, and
 * accept extra fields and any key order. The `describe…` functions name the first problem found
 * (`line_items[1].total must be a decimal string, got number 12`) so a rejected delivery can say
 * why; the `is…` guards are the same checks as a type predicate.
 */

type Problem = string | undefined;
type Json = Record<string, unknown>;

/** A formatted money string as WooCommerce emits it: `"29.35"`, `"-10.00"`, `"0"`. */
const DECIMAL = /^-?\d+(\.\d+)?$/;
/** Raw per-rate tax amounts are unrounded and may be `""` (a rate with nothing to apply). */
const RAW_AMOUNT = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?)?$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Short, bounded rendering of a bad value for a message (payloads can be huge or hostile). */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function missingOr(value: unknown, expectation: string, path: string): string {
  return value === undefined ? `${path} is missing` : `${path} must be ${expectation}, got ${shown(value)}`;
}

function checkInteger(obj: Json, key: string, path: string, min: number): Problem {
  const value = obj[key];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min
    ? undefined
    : missingOr(value, min > 0 ? 'a positive integer' : 'a non-negative integer', `${path}${key}`);
}

function checkString(obj: Json, key: string, path: string): Problem {
  return typeof obj[key] === 'string' ? undefined : missingOr(obj[key], 'a string', `${path}${key}`);
}

function checkNonEmptyString(obj: Json, key: string, path: string): Problem {
  const value = obj[key];
  return typeof value === 'string' && value.trim() !== ''
    ? undefined
    : missingOr(value, 'a non-empty string', `${path}${key}`);
}

function checkBoolean(obj: Json, key: string, path: string): Problem {
  return typeof obj[key] === 'boolean' ? undefined : missingOr(obj[key], 'a boolean', `${path}${key}`);
}

function checkDecimal(obj: Json, key: string, path: string): Problem {
  const value = obj[key];
  return typeof value === 'string' && DECIMAL.test(value)
    ? undefined
    : missingOr(value, 'a decimal string such as "29.35"', `${path}${key}`);
}

function checkNullableDate(obj: Json, key: string, path: string): Problem {
  const value = obj[key];
  if (value === null) return undefined;
  return typeof value === 'string' && !Number.isNaN(Date.parse(`${value}Z`))
    ? undefined
    : missingOr(value, 'a date string (YYYY-MM-DDTHH:MM:SS) or null', `${path}${key}`);
}

function checkObject(obj: Json, key: string, path: string): Problem {
  return isObject(obj[key]) ? undefined : missingOr(obj[key], 'an object', `${path}${key}`);
}

function first(...checks: Array<() => Problem>): Problem {
  for (const check of checks) {
    const problem = check();
    if (problem) return problem;
  }
  return undefined;
}

function checkArray(obj: Json, key: string, path: string, element: (item: Json, path: string) => Problem): Problem {
  const value = obj[key];
  if (!Array.isArray(value)) return missingOr(value, 'an array', `${path}${key}`);
  for (let index = 0; index < value.length; index++) {
    const itemPath = `${path}${key}[${index}]`;
    const item: unknown = value[index];
    if (!isObject(item)) return `${itemPath} must be an object, got ${shown(item)}`;
    const problem = element(item, `${itemPath}.`);
    if (problem) return problem;
  }
  return undefined;
}

function checkLineTaxes(obj: Json, path: string): Problem {
  return checkArray(obj, 'taxes', path, (tax, taxPath) =>
    first(
      () => checkInteger(tax, 'id', taxPath, 1),
      () => (typeof tax.total === 'string' && RAW_AMOUNT.test(tax.total) ? undefined : missingOr(tax.total, 'an amount string', `${taxPath}total`)),
      () =>
        tax.subtotal === undefined || (typeof tax.subtotal === 'string' && RAW_AMOUNT.test(tax.subtotal))
          ? undefined
          : missingOr(tax.subtotal, 'an amount string', `${taxPath}subtotal`),
    ),
  );
}

function checkLineItem(line: Json, path: string): Problem {
  return first(
    () => checkInteger(line, 'id', path, 1),
    () => checkString(line, 'name', path),
    () => checkInteger(line, 'product_id', path, 0),
    () => checkInteger(line, 'variation_id', path, 0),
    () => (typeof line.quantity === 'number' && Number.isFinite(line.quantity) ? undefined : missingOr(line.quantity, 'a number', `${path}quantity`)),
    () => checkDecimal(line, 'subtotal', path),
    () => checkDecimal(line, 'subtotal_tax', path),
    () => checkDecimal(line, 'total', path),
    () => checkDecimal(line, 'total_tax', path),
    () => checkLineTaxes(line, path),
    () => (line.sku === undefined || line.sku === null || typeof line.sku === 'string' ? undefined : missingOr(line.sku, 'a string or null', `${path}sku`)),
  );
}

function checkTaxLine(line: Json, path: string): Problem {
  return first(
    () => checkInteger(line, 'rate_id', path, 1),
    () => checkString(line, 'label', path),
    () => checkBoolean(line, 'compound', path),
    () => checkDecimal(line, 'tax_total', path),
    () => checkDecimal(line, 'shipping_tax_total', path),
    () =>
      line.rate_percent === undefined || (typeof line.rate_percent === 'number' && Number.isFinite(line.rate_percent))
        ? undefined
        : missingOr(line.rate_percent, 'a number', `${path}rate_percent`),
  );
}

function checkShippingLine(line: Json, path: string): Problem {
  return first(
    () => checkInteger(line, 'id', path, 1),
    () => checkString(line, 'method_title', path),
    () => checkDecimal(line, 'total', path),
    () => checkDecimal(line, 'total_tax', path),
    () => checkLineTaxes(line, path),
  );
}

function checkFeeLine(line: Json, path: string): Problem {
  return first(
    () => checkInteger(line, 'id', path, 1),
    () => checkString(line, 'name', path),
    () => checkDecimal(line, 'total', path),
    () => checkDecimal(line, 'total_tax', path),
    () => checkLineTaxes(line, path),
  );
}

/** An entry of the order's `refunds` summary (`{id, refund, total}`); its total feeds credit notes and dry runs. */
function checkRefundSummary(refund: Json, path: string): Problem {
  return first(() => checkInteger(refund, 'id', path, 1), () => checkDecimal(refund, 'total', path));
}

function checkCouponLine(line: Json, path: string): Problem {
  return first(() => checkString(line, 'code', path), () => checkDecimal(line, 'discount', path));
}

/** Why `value` is not a usable WooCommerce order, or `undefined` when it is one. */
export function describeOrderShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `an order must be a JSON object, got ${shown(value)}`;
  if (value.id === undefined && typeof value.code === 'string' && typeof value.message === 'string') {
    return `this is a WooCommerce error body (${value.code}), not an order`;
  }
  return first(
    () => checkInteger(value, 'id', '', 1),
    () => checkNonEmptyString(value, 'number', ''),
    () => checkNonEmptyString(value, 'status', ''),
    () => checkNonEmptyString(value, 'currency', ''),
    () => checkBoolean(value, 'prices_include_tax', ''),
    () => checkInteger(value, 'customer_id', '', 0),
    () => checkDecimal(value, 'total', ''),
    () => checkDecimal(value, 'total_tax', ''),
    () => checkDecimal(value, 'shipping_total', ''),
    () => checkDecimal(value, 'discount_total', ''),
    () => checkNullableDate(value, 'date_created_gmt', ''),
    () => checkNullableDate(value, 'date_modified_gmt', ''),
    () => checkObject(value, 'billing', ''),
    () => checkString(value.billing as Json, 'email', 'billing.'),
    () => checkObject(value, 'shipping', ''),
    () => checkArray(value, 'line_items', '', checkLineItem),
    () => checkArray(value, 'tax_lines', '', checkTaxLine),
    () => checkArray(value, 'shipping_lines', '', checkShippingLine),
    () => checkArray(value, 'fee_lines', '', checkFeeLine),
    () => checkArray(value, 'coupon_lines', '', checkCouponLine),
    // Absent from some stores' payloads (and from hand-made ones): only a present one is checked.
    () => (value.refunds === undefined ? undefined : checkArray(value, 'refunds', '', checkRefundSummary)),
  );
}

export function isWooOrder(value: unknown): value is WooOrder {
  return describeOrderShapeProblem(value) === undefined;
}

/** Why `value` is not a usable WooCommerce customer, or `undefined` when it is one. */
export function describeCustomerShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `a customer must be a JSON object, got ${shown(value)}`;
  return first(
    () => checkInteger(value, 'id', '', 1),
    () => checkString(value, 'email', ''),
    () => checkString(value, 'first_name', ''),
    () => checkString(value, 'last_name', ''),
    () => checkObject(value, 'billing', ''),
    () => checkObject(value, 'shipping', ''),
  );
}

export function isWooCustomer(value: unknown): value is WooCustomer {
  return describeCustomerShapeProblem(value) === undefined;
}

/** The REST error object: `{code, message, data?: {status}}`. */
export function isWooErrorBody(value: unknown): value is WooErrorBody {
  if (!isObject(value)) return false;
  if (typeof value.code !== 'string' || value.code === '' || typeof value.message !== 'string') return false;
  if (value.data === undefined) return true;
  return isObject(value.data) && (value.data.status === undefined || typeof value.data.status === 'number');
}
