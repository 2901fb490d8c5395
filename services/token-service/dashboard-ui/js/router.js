// Hash routes (`#/c/<connection>/orders`), so the server only has to serve one page and a
// reload or a shared link opens the same view.

const ROUTES = [
  { pattern: '/connections', section: 'connections', load: () => import('./views/connections.js') },
  { pattern: '/connections/new', section: 'connections', load: () => import('./views/connection-form.js') },
  { pattern: '/c/:id/orders', section: 'orders', load: () => import('./views/orders.js') },
  { pattern: '/c/:id/orders/:orderId', section: 'orders', load: () => import('./views/order.js') },
  { pattern: '/c/:id/failures', section: 'failures', load: () => import('./views/failures.js') },
  { pattern: '/c/:id/products', section: 'products', load: () => import('./views/products.js') },
  { pattern: '/c/:id/events', section: 'events', load: () => import('./views/events.js') },
];

/** Sections whose pages belong to one connection: `#/orders` opens them for the current one. */
export const CONNECTION_SECTIONS = ['orders', 'failures', 'products', 'events'];

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/connections';
  const [path, search = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(search) };
}

export function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((token, i) => {
      if (token.startsWith(':')) {
        params[token.slice(1)] = decode(parts[i]);
        return true;
      }
      return token === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

/** A hand-edited address may hold a broken escape (`%zz`): keep it as typed instead of failing. */
function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function href(path, query) {
  const search = query && [...new URLSearchParams(query)].length ? `?${new URLSearchParams(query)}` : '';
  return `#${path}${search}`;
}

export function navigate(path, query) {
  location.hash = href(path, query);
}

/** Updates the query of the current view without re-rendering it (filters, tabs). */
export function setQuery(query) {
  const { path } = parseHash();
  history.replaceState(history.state, '', href(path, query));
}
