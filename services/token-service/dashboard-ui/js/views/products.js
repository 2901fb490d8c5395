import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { badge, busy, button, emptyState, errorNotice, liveTable, loading, pageHeader, toast } from '../ui.js';
import { connectionSubtitle, segmented } from './common.js';

const MATCHED_BY = { sku: 'Same SKU', name: 'Same name', created: 'Created in Zoho', pinned: 'Pinned by you' };
const VIEWS = { all: { label: 'All' }, unmapped: { label: 'Unmapped' }, pinned: { label: 'Pinned' } };

/** Store products beside their Zoho items; unmapped ones stand out and can be pinned by hand (and unpinned). */
export function render(root, { params, query, signal, app, setQuery }) {
  const id = params.id;
  let view = VIEWS[query.get('show')] ? query.get('show') : 'all';
  let products = [];
  let search = '';
  /** Each row's message slot, by product key: the row is rebuilt when its product changes. */
  const notes = new Map();

  const stats = h('p', { class: 'stats' });
  const content = h('div', null, loading('Loading products…'));
  const table = liveTable({
    caption: 'Store products and their Zoho items',
    className: 'products',
    columns: [
      { label: 'Product', className: 'wide', render: (p) => [h('div', null, p.name), h('div', { class: 'muted small' }, productRef(p))] },
      { label: 'SKU', render: (p) => (p.sku ? h('code', null, p.sku) : h('span', { class: 'muted' }, '—')) },
      { label: 'Zoho item', render: (p) => (p.zohoItemId ? h('code', null, p.zohoItemId) : badge('Unmapped', 'warn')) },
      { label: 'Matched by', render: (p) => (p.pinned ? badge('Pinned', 'info') : h('span', null, MATCHED_BY[p.matchedBy] ?? '—')) },
      { label: 'Action', render: (p) => (p.productId > 0 ? pinControl(p) : h('span', { class: 'muted small' }, 'synthetic')) },
    ],
  });
  const searchInput = h('input', { type: 'search', id: 'product-search', placeholder: 'Name, SKU or id', autocomplete: 'off', oninput: () => {
    search = searchInput.value.trim().toLowerCase();
    paint();
  } });
  const syncButton = button('Match catalogue now', () => syncCatalog());

  root.append(
    pageHeader('Products', { subtitle: connectionSubtitle(app, id), actions: syncButton }),
    stats,
    h('div', { class: 'toolbar' },
      segmented('Show', VIEWS, view, (next) => {
        view = next;
        setQuery(next === 'all' ? {} : { show: next });
        paint();
      }),
      h('div', { class: 'search' }, h('label', { for: 'product-search', class: 'visually-hidden' }, 'Search products'), searchInput)),
    content,
  );
  load();

  async function load() {
    try {
      products = await api(`/api/connections/${seg(id)}/products`, { signal });
      paint();
    } catch (error) {
      if (error.name !== 'AbortError') replace(content, errorNotice(error, 'The products could not be loaded'));
    }
  }

  function paint() {
    const unmapped = products.filter((p) => !p.zohoItemId).length;
    replace(stats, `${count(products.length)} product${products.length === 1 ? '' : 's'} · `, unmapped ? badge(`${count(unmapped)} without a Zoho item`, 'warn') : badge('all mapped', 'ok'));
    if (!products.length) {
      return replace(content, emptyState('No products mapped yet', 'Products are matched to Zoho items as orders arrive. “Match catalogue now” reads the whole store at once.'));
    }
    const shown = products.filter((p) => (view === 'unmapped' ? !p.zohoItemId : view === 'pinned' ? p.pinned : true)).filter(matchesSearch);
    if (!shown.length) return replace(content, emptyState(search ? `No product matches “${searchInput.value.trim()}”` : view === 'unmapped' ? 'Every product has a Zoho item' : 'No pinned products'));
    table.update(shown, keyOf, { rowClass: (p) => (p.zohoItemId ? null : 'row-warn') });
    if (!content.contains(table.element)) replace(content, table.element);
  }

  function matchesSearch(p) {
    if (!search) return true;
    return [p.name, p.sku, String(p.productId), p.zohoItemId].some((v) => v && String(v).toLowerCase().includes(search));
  }

  /**
   * "Pin…" opens a small inline form in the row; Escape or Cancel closes it. A pinned product also
   * gets "Unpin", which gives it back to automatic matching.
   */
  function pinControl(product) {
    const cell = h('div', { class: 'pin' });
    const label = `Pin ${product.name} to a Zoho item`;
    const open = button(product.zohoItemId ? 'Change…' : 'Pin…', () => edit(), { 'aria-label': label });
    const actions = h('div', { class: 'pin-actions' }, open);
    const result = h('div', { class: 'pin-result' });
    notes.set(keyOf(product), result);
    if (product.pinned) {
      const unpinButton = button('Unpin', () => unpin(product, unpinButton, result), { tone: 'ghost', 'aria-label': `Unpin ${product.name}` });
      actions.append(unpinButton);
    }
    cell.append(actions, result);
    return cell;

    function edit() {
      const input = h('input', { name: 'zohoItemId', inputmode: 'numeric', pattern: '\\d+', value: product.zohoItemId ?? '', placeholder: 'Zoho item id', 'aria-label': `Zoho item id for ${product.name}`, required: true });
      const error = h('p', { class: 'field-error', role: 'alert' });
      const save = h('button', { type: 'submit', class: 'button primary' }, 'Pin');
      const close = () => {
        replace(cell, actions, result);
        open.focus();
      };
      const form = h('form', {
        class: 'pin-form',
        novalidate: true,
        onkeydown: (event) => event.key === 'Escape' && close(),
        onsubmit: async (event) => {
          event.preventDefault();
          const zohoItemId = input.value.trim();
          if (!/^\d{1,30}$/.test(zohoItemId)) {
            error.textContent = 'A Zoho item id is a number, e.g. 460000000026049 (Zoho Books → Items, in the address bar).';
            return input.focus();
          }
          await busy(save, async () => {
            try {
              await api(`/api/connections/${seg(id)}/products/${seg(product.productId)}`, { method: 'PUT', body: { zohoItemId, variationId: product.variationId }, signal });
              // By key: after a reload an unchanged row keeps its cell, and so this (older) product object.
              products = products.map((p) => (keyOf(p) === keyOf(product) ? { ...p, zohoItemId, matchedBy: 'pinned', pinned: true } : p));
              toast(`${product.name} now always uses Zoho item ${zohoItemId}.`);
              paint();
            } catch (err) {
              if (err.name !== 'AbortError') error.textContent = err.message;
            }
          });
        },
      }, input, save, button('Cancel', close, { tone: 'ghost' }), error);
      replace(cell, form);
      input.focus();
    }
  }

  /**
   * Forgets the pinned item (it stays in Zoho): the product's next order, or "Match catalogue now",
   * matches it again by SKU, then name. The toast names the old item, so it can be pinned back.
   */
  async function unpin(product, unpinButton, result) {
    replace(result);
    await busy(unpinButton, async () => {
      try {
        const query = product.variationId ? `?variationId=${encodeURIComponent(product.variationId)}` : '';
        await api(`/api/connections/${seg(id)}/products/${seg(product.productId)}/pin${query}`, { method: 'DELETE', signal });
        products = products.map((p) => (keyOf(p) === keyOf(product) ? { ...p, zohoItemId: null, matchedBy: null, pinned: false } : p));
        toast(`${product.name} is no longer pinned${product.zohoItemId ? ` to Zoho item ${product.zohoItemId}` : ''}; its next order matches it by SKU, then name.`);
        paint();
      } catch (error) {
        if (error.name === 'AbortError') return;
        // 409/404: the link changed elsewhere (another tab, the CLI); show the row as it is now, with the reason.
        if (!error.missingEndpoint && (error.status === 409 || error.status === 404)) await load();
        const slot = notes.get(keyOf(product));
        if (slot?.isConnected) replace(slot, errorNotice(error, `${product.name} could not be unpinned`));
        else toast(`${product.name} could not be unpinned: ${error.message}`, 'bad');
      }
    });
  }

  async function syncCatalog() {
    await busy(syncButton, async () => {
      try {
        const result = await api(`/api/connections/${seg(id)}/catalog/sync`, { method: 'POST', signal, timeoutMs: 11 * 60_000 });
        toast(`Catalogue matched: ${count(result.matched)} of ${count(result.products)} products have a Zoho item${result.unmatched ? `, ${count(result.unmatched)} still unmapped` : ''}.`);
        await load();
      } catch (error) {
        if (error.name !== 'AbortError') toast(`The catalogue was not matched: ${error.message}`, 'bad');
      }
    });
  }
}

function keyOf(product) {
  return `${product.productId}:${product.variationId}`;
}

function productRef(product) {
  if (product.productId === -1) return 'shipping line';
  if (product.productId === -2) return 'fee line';
  return `product #${product.productId}${product.variationId ? ` · variation #${product.variationId}` : ''}`;
}
