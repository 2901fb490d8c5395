import { h, replace } from '../dom.js';
import { emptyState, errorNotice, loading, pageHeader } from '../ui.js';
import { connectionCard } from './connection-card.js';

export async function render(root, { app, signal }) {
  const list = h('div', { class: 'stack' }, loading('Loading connections…'));
  root.append(
    pageHeader('Connections', {
      subtitle: 'Each connection links one WooCommerce store to one Zoho Books organization.',
      actions: h('a', { class: 'button primary', href: '#/connections/new' }, 'Add connection'),
    }),
    list,
  );
  try {
    const connections = await app.refreshConnections(signal);
    if (!connections.length) {
      return replace(
        list,
        emptyState(
          'No connections yet',
          'Add your store’s WooCommerce API keys and your Zoho Books API client to start turning orders into invoices.',
          h('a', { class: 'button primary', href: '#/connections/new' }, 'Add your first connection'),
        ),
      );
    }
    replace(list, connections.map((c) => connectionCard(c, { signal, onChanged: () => app.refreshConnections(signal).catch(() => undefined) })));
  } catch (error) {
    if (error.name !== 'AbortError') replace(list, errorNotice(error, 'The connections could not be loaded'));
  }
}
