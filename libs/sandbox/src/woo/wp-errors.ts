/**
 * WordPress REST errors: `{"code": string, "message": string, "data": {"status": int, …}}`.
 * Codes and messages are WooCommerce's / WordPress's own (specs/woocommerce.md §3.2-3.3).
 */
export class WpRestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { code: this.code, message: this.message, data: { status: this.status, ...this.data } };
  }
}

export const noRoute = () => new WpRestError(404, 'rest_no_route', 'No route was found matching the URL and request method');

export const authError = (message: string, code = 'woocommerce_rest_authentication_error') => new WpRestError(401, code, message);

/** A missing capability: 401 for anonymous requests, 403 for a logged-in user without it (rest_authorization_required_code). */
export function cannot(action: 'list' | 'view' | 'create' | 'edit' | 'delete', loggedIn: boolean): WpRestError {
  const status = loggedIn ? 403 : 401;
  switch (action) {
    case 'list':
      return new WpRestError(status, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    case 'view':
      return new WpRestError(status, 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.');
    case 'create':
      return new WpRestError(status, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.');
    case 'edit':
      return new WpRestError(status, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
    case 'delete':
      return new WpRestError(status, 'woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.');
  }
}

/** Collects per-parameter validation failures into WordPress's `rest_invalid_param` error. */
export class ParamErrors {
  private readonly params: Record<string, string> = {};
  private readonly details: Record<string, { code: string; message: string; data: null }> = {};

  add(param: string, message: string, code = 'rest_invalid_param'): void {
    if (param in this.params) return;
    this.params[param] = message;
    this.details[param] = { code, message, data: null };
  }

  throwIfAny(): void {
    const names = Object.keys(this.params);
    if (names.length === 0) return;
    throw new WpRestError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, { params: this.params, details: this.details });
  }
}

/** `wp_sprintf('%l', …)`: "a", "a and b", "a, b, and c". */
export function wpList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

export const missingParams = (names: string[]) =>
  new WpRestError(400, 'rest_missing_callback_param', `Missing parameter(s): ${names.join(', ')}`, { params: names });
