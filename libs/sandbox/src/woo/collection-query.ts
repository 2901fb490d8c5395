import { phpList, phpScalar, type PhpArray } from './php-query';
import { ParamErrors, wpList } from './wp-errors';

/*
 * The parameters every WooCommerce CRUD collection takes, validated like WordPress does
 * (`rest_invalid_param` with per-parameter messages), and the paging headers
 * (X-WP-Total, X-WP-TotalPages, Link with rel="prev"/"next" only, specs/woocommerce.md §3.4).
 */

export interface CollectionParams {
  page: number;
  perPage: number;
  offset: number | undefined;
  order: 'asc' | 'desc';
  orderby: string;
  search: string | undefined;
  include: number[] | undefined;
  exclude: number[] | undefined;
}

export interface CollectionSpec {
  orderby: readonly string[];
  defaultOrderby: string;
  defaultOrder: 'asc' | 'desc';
}

function integer(errors: ParamErrors, params: PhpArray, name: string, min?: number, max?: number): number | undefined {
  const raw = phpScalar(params, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) {
    errors.add(name, `${name} is not of type integer.`);
    return undefined;
  }
  const value = Number(raw);
  if (min !== undefined && max !== undefined && (value < min || value > max)) {
    errors.add(name, `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
    return undefined;
  }
  if (min !== undefined && value < min) {
    errors.add(name, `${name} must be greater than or equal to ${min}`);
    return undefined;
  }
  return value;
}

export function enumValue<T extends string>(errors: ParamErrors, params: PhpArray, name: string, allowed: readonly T[], fallback: T): T {
  const raw = phpScalar(params, name);
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    errors.add(name, `${name} is not one of ${wpList([...allowed])}.`);
    return fallback;
  }
  return raw as T;
}

function idList(errors: ParamErrors, params: PhpArray, name: string): number[] | undefined {
  const list = phpList(params, name);
  if (list === undefined) return undefined;
  const ids = list.map(Number);
  if (ids.some((id) => !Number.isInteger(id))) {
    errors.add(name, `${name}[0] is not of type integer.`);
    return undefined;
  }
  return ids;
}

export function booleanParam(errors: ParamErrors, params: PhpArray, name: string): boolean | undefined {
  const raw = phpScalar(params, name);
  if (raw === undefined || raw === '') return undefined;
  const lower = raw.toLowerCase();
  if (['true', '1', 'yes'].includes(lower)) return true;
  if (['false', '0', 'no'].includes(lower)) return false;
  errors.add(name, `${name} is not of type boolean.`);
  return undefined;
}

export function parseCollectionParams(params: PhpArray, spec: CollectionSpec, errors: ParamErrors): CollectionParams {
  return {
    page: integer(errors, params, 'page', 1) ?? 1,
    perPage: integer(errors, params, 'per_page', 1, 100) ?? 10,
    offset: integer(errors, params, 'offset'),
    order: enumValue(errors, params, 'order', ['asc', 'desc'] as const, spec.defaultOrder),
    orderby: enumValue(errors, params, 'orderby', spec.orderby, spec.defaultOrderby),
    search: phpScalar(params, 'search') || undefined,
    include: idList(errors, params, 'include'),
    exclude: idList(errors, params, 'exclude'),
  };
}

const DATE_PATTERN = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A date filter as WP_Date_Query uses it: `rest_parse_date` validates the RFC 3339 text, and the
 * comparison then uses its wall-clock digits against the local or GMT column (any offset in the
 * text is dropped, as PHP's date formatting does in build_mysql_datetime).
 */
export function dateParam(errors: ParamErrors, params: PhpArray, name: string): string | undefined {
  const raw = phpScalar(params, name);
  if (raw === undefined || raw === '') return undefined;
  const match = DATE_PATTERN.exec(raw.trim());
  if (!match) {
    errors.add(name, 'Invalid date.', 'rest_invalid_date');
    return undefined;
  }
  return `${match[1]}T${match[2]}`;
}

export interface PageResult<T> {
  rows: T[];
  headers: Record<string, string>;
}

const CREDENTIAL_PARAM = /^(oauth_|consumer_key$|consumer_secret$)/;

/** Slices one page and builds the paging headers from the request's own query string. */
export function pageOf<T>(items: readonly T[], params: CollectionParams, collectionUrl: string, rawQuery: string): PageResult<T> {
  const start = params.offset ?? (params.page - 1) * params.perPage;
  const rows = items.slice(start, start + params.perPage);
  const total = items.length;
  const totalPages = Math.ceil(total / params.perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) };
  const keep = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .filter((part) => {
      const name = decodeURIComponent(part.split('=')[0]!.replace(/\+/g, ' '));
      return name !== 'page' && !CREDENTIAL_PARAM.test(name);
    });
  const linkTo = (page: number) => `${collectionUrl}?${[...keep, `page=${page}`].join('&')}`;
  const links: string[] = [];
  if (params.page > 1) {
    const prev = Math.min(params.page - 1, Math.max(totalPages, 1));
    links.push(`<${linkTo(prev)}>; rel="prev"`);
  }
  if (params.page < totalPages) links.push(`<${linkTo(params.page + 1)}>; rel="next"`);
  if (links.length > 0) headers.Link = links.join(', ');
  return { rows, headers };
}

/** Stable ordering with the record id as tie-breaker, as WooCommerce appends ` ID` to date orders. */
export function sortBy<T extends { id: number }>(items: T[], key: (item: T) => string | number, order: 'asc' | 'desc'): T[] {
  const sign = order === 'asc' ? 1 : -1;
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return (a.id - b.id) * sign;
  });
}
