import type { PhpArray } from './php-query';
import { phpScalar } from './php-query';
import type { ApiKeyRecord } from './store-records';
import type { WooStoreState } from './store-state';
import type { StoreView } from './wp-format';
import type { FakeWooStore } from './fake-woo-store';

/** What a REST route handler sees. */
export interface WooRestContext {
  method: string;
  params: Record<string, string>;
  /** `$_GET` */
  query: PhpArray;
  rawQuery: string;
  /** JSON body, or the form body as plain values. */
  body: Record<string, unknown>;
  user: ApiKeyRecord | undefined;
  view: StoreView;
  state: WooStoreState;
  store: FakeWooStore;
}

export interface WooResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface WooRoute {
  /** The capability check WooCommerce runs first (anonymous → 401, customer key → 403). */
  action: 'list' | 'view' | 'create' | 'edit' | 'delete';
  /** Parameters WordPress requires before the handler runs (rest_missing_callback_param). */
  required?: string[];
  handler(ctx: WooRestContext): WooResult | Promise<WooResult>;
}

/**
 * `$request['name']`: WordPress looks in the JSON body, then the form body, then the query.
 */
export function param(ctx: WooRestContext, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(ctx.body, name)) return ctx.body[name];
  return ctx.query.has(name) ? phpToPlain(ctx.query.get(name)!) : undefined;
}

/** A PHP array as plain JSON values (lists for 0..n keys, objects otherwise). */
export function phpToPlain(value: PhpArray | string): unknown {
  if (typeof value === 'string') return value;
  const keys = [...value.keys()];
  if (keys.every((k, i) => k === String(i))) return [...value.values()].map(phpToPlain);
  return Object.fromEntries([...value].map(([k, v]) => [k, phpToPlain(v)]));
}

export function queryScalar(ctx: WooRestContext, name: string): string | undefined {
  return phpScalar(ctx.query, name);
}

/** WordPress's loose boolean (`true`, `1`, `yes`). */
export function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['true', '1', 'yes'].includes(value.toLowerCase());
  return false;
}

export function idParam(ctx: WooRestContext, name = 'id'): number {
  const value = Number(ctx.params[name]);
  return Number.isInteger(value) ? value : -1;
}
