import { enumValue, pageOf, parseCollectionParams, sortBy } from '../collection-query';
import { customerJson } from '../customer-json';
import { phpScalar } from '../php-query';
import { idParam, type WooRestContext, type WooResult, type WooRoute } from '../rest-context';
import type { CustomerRecord } from '../store-records';
import { ParamErrors, WpRestError } from '../wp-errors';
import { restBase } from '../wp-format';

/** /wc/v3/customers (read side). */

const ROLES = ['all', 'administrator', 'editor', 'author', 'contributor', 'subscriber', 'customer', 'shop_manager'] as const;

function list(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ['id', 'include', 'name', 'registered_date'], defaultOrderby: 'name', defaultOrder: 'asc' }, errors);
  const role = enumValue(errors, ctx.query, 'role', ROLES, 'customer');
  const email = phpScalar(ctx.query, 'email');
  errors.throwIfAny();
  const search = params.search?.toLowerCase().replace(/^\*|\*$/g, '');
  let customers = [...ctx.state.customers.values()].filter((c) => {
    if (role !== 'all' && c.role !== role) return false;
    // user_email is compared by MySQL with a case-insensitive collation.
    if (email !== undefined && email !== '' && c.email.toLowerCase() !== email.toLowerCase()) return false;
    if (params.include && !params.include.includes(c.id)) return false;
    if (params.exclude && params.exclude.includes(c.id)) return false;
    if (search && ![c.email, c.username, c.firstName, c.lastName].some((v) => v.toLowerCase().includes(search))) return false;
    return true;
  });
  const include = params.include ?? [];
  const key =
    params.orderby === 'id'
      ? (c: CustomerRecord) => c.id
      : params.orderby === 'include'
        ? (c: CustomerRecord) => include.indexOf(c.id)
        : params.orderby === 'registered_date'
          ? (c: CustomerRecord) => c.createdAt
          : (c: CustomerRecord) => c.username.toLowerCase();
  customers = sortBy(customers, key, params.order);
  const page = pageOf(customers, params, `${restBase(ctx.view)}/customers`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((c) => customerJson(ctx.view, c)), headers: page.headers };
}

function get(ctx: WooRestContext): WooResult {
  const customer = ctx.state.customers.get(idParam(ctx));
  if (!customer) throw new WpRestError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
  return { status: 200, body: customerJson(ctx.view, customer) };
}

export const customerRoutes: Array<[string[], string, WooRoute]> = [
  [['GET'], '/wc/v3/customers', { action: 'list', handler: list }],
  [['GET'], '/wc/v3/customers/:id', { action: 'view', handler: get }],
];
