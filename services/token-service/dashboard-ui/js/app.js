import { api, UNAUTHORIZED_EVENT } from './api.js';
import { h, replace } from './dom.js';
import { CONNECTION_SECTIONS, href, match, navigate, parseHash, setQuery } from './router.js';
import { session } from './session.js';
import { emptyState, errorNotice, loading, pageHeader } from './ui.js';
import { renderSignIn } from './views/signin.js';

const main = document.getElementById('main');
const tabs = document.getElementById('tabs');
const tools = document.getElementById('session-tools');
const picker = document.getElementById('connection-picker');
const select = document.getElementById('connection-select');

/** What every view may use: the connection list and the current connection. */
const app = {
  connections: [],
  get currentId() {
    const { params } = match(parseHash().path) ?? { params: {} };
    if (params.id) return params.id;
    // The remembered one only while it still exists (it may have been deleted since).
    const remembered = session.connectionId;
    return this.connection(remembered) ? remembered : (this.connections[0]?.id ?? null);
  },
  connection(id) {
    return this.connections.find((c) => c.id === id) ?? null;
  },
  async refreshConnections(signal) {
    this.connections = await api('/api/connections', { signal });
    updateChrome();
    return this.connections;
  },
};

let controller = null;
let firstRender = true;

async function render() {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const { path, query } = parseHash();

  // `#/orders` and friends: open the section for the current connection.
  const section = path.slice(1);
  if (CONNECTION_SECTIONS.includes(section)) {
    const id = app.currentId;
    if (id) return void location.replace(href(`/c/${encodeURIComponent(id)}/${section}`, query));
    return show(signal, () => [
      pageHeader(section[0].toUpperCase() + section.slice(1)),
      emptyState('No connection yet', 'Link a WooCommerce store to a Zoho Books organization first; its orders, failures, products and events appear here.', h('a', { class: 'button primary', href: '#/connections/new' }, 'Add a connection')),
    ]);
  }

  const found = match(path);
  if (!found) {
    return show(signal, () => [pageHeader('Page not found'), emptyState('There is no page at this address.', null, h('a', { class: 'button primary', href: '#/connections' }, 'Go to connections'))]);
  }
  if (found.params.id) {
    session.connectionId = found.params.id;
    // A connection made elsewhere (another tab, the API) since the list was loaded.
    if (!app.connection(found.params.id)) await app.refreshConnections(signal).catch(() => undefined);
    if (signal.aborted) return;
  }
  updateChrome(found.route.section);

  let view;
  try {
    view = await found.route.load();
  } catch {
    return show(signal, () => [errorNotice(new Error('Part of the dashboard could not be loaded. Reload the page.'))]);
  }
  if (signal.aborted) return;
  show(signal, (root) => view.render(root, { params: found.params, query, signal, app, navigate, setQuery }));
}

/** Mounts a view and moves focus to its heading, so keyboard and screen-reader users follow along. */
function show(signal, build) {
  const root = h('div', { class: 'view' });
  const nodes = build(root);
  if (Array.isArray(nodes)) replace(root, nodes);
  replace(main, root);
  const heading = root.querySelector('h1');
  document.title = `${heading?.textContent ? `${heading.textContent} · ` : ''}Connector`;
  if (!firstRender && heading) heading.focus({ preventScroll: true });
  if (!firstRender) window.scrollTo({ top: 0 });
  firstRender = false;
  return signal;
}

function updateChrome(activeSection = match(parseHash().path)?.route.section) {
  const id = app.currentId;
  for (const link of tabs.querySelectorAll('a')) {
    const sectionName = link.dataset.section;
    link.href = CONNECTION_SECTIONS.includes(sectionName) && id ? `#/c/${encodeURIComponent(id)}/${sectionName}` : `#/${sectionName}`;
    if (sectionName === activeSection) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  picker.hidden = app.connections.length === 0;
  replace(select, app.connections.map((c) => h('option', { value: c.id, selected: c.id === id }, c.name)));
}

select.addEventListener('change', () => {
  session.connectionId = select.value;
  const found = match(parseHash().path);
  const section = found && CONNECTION_SECTIONS.includes(found.route.section) ? found.route.section : 'orders';
  navigate(`/c/${encodeURIComponent(select.value)}/${section}`);
});

document.getElementById('sign-out').addEventListener('click', () => signOut());

window.addEventListener(UNAUTHORIZED_EVENT, () => signOut('The connector no longer accepts the admin token of this tab. Enter it again.'));

function signOut(message) {
  controller?.abort();
  session.signOut();
  app.connections = [];
  tools.hidden = true;
  tabs.hidden = true;
  window.removeEventListener('hashchange', render);
  renderSignIn(main, { message, onSignedIn: start });
}

/** After a token is accepted: load the connections once, then follow the address bar. */
async function start(connections) {
  app.connections = connections;
  tools.hidden = false;
  tabs.hidden = false;
  window.addEventListener('hashchange', render);
  await render();
}

async function boot() {
  if (!session.token) return renderSignIn(main, { onSignedIn: start });
  replace(main, loading('Loading connections…'));
  try {
    await start(await api('/api/connections'));
  } catch (error) {
    // 401 already went to the sign-in form through UNAUTHORIZED_EVENT.
    if (error?.status !== 401) replace(main, errorNotice(error, 'The dashboard could not reach the connector'), h('p', null, h('button', { class: 'button primary', type: 'button', onclick: () => location.reload() }, 'Try again')));
  }
}

boot();
