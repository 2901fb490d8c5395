import { h } from '../dom.js';
import { badge } from '../ui.js';

/** The WooCommerce side of a ping report, in words. */
export function wooHealth(result) {
  if (!result) return [badge('Not checked yet'), h('p', { class: 'muted' }, 'Press “Check connection” to test the store’s API keys.')];
  if (result.ok) return [badge('Reachable', 'ok'), h('p', { class: 'muted' }, 'Orders can be read and webhooks managed with the stored API keys.')];
  return [badge('Not reachable', 'bad'), h('p', { class: 'problem' }, result.error ?? 'The store did not answer.')];
}

/** The Zoho side: whether the refresh token is usable, and what the last ping saw. */
export function zohoHealth(connection, result) {
  const authorized =
    connection?.status === 'needs_reauthorization'
      ? badge('Needs re-authorization', 'bad')
      : badge('Authorized', 'ok');
  if (!result) return [authorized, h('p', { class: 'muted' }, 'Not checked yet.')];
  if (result.ok) {
    const org = result.organization;
    return [
      authorized,
      badge('Reachable', 'ok'),
      org ? h('p', { class: 'muted' }, 'Organization ', h('strong', null, org.name ?? org.id), ` (${org.id}${org.currencyCode ? `, ${org.currencyCode}` : ''})`) : null,
    ];
  }
  return [authorized, badge('Not reachable', 'bad'), h('p', { class: 'problem' }, result.error ?? 'Zoho did not answer.')];
}

/** Both sides of a fresh ping as a compact summary (used right after creating a connection). */
export function pingSummary(report, connection) {
  return h(
    'div',
    { class: 'health-grid' },
    h('section', { class: 'tile' }, h('h3', null, 'WooCommerce'), wooHealth(report?.woocommerce)),
    h('section', { class: 'tile' }, h('h3', null, 'Zoho Books'), zohoHealth(connection, report?.zoho)),
  );
}

/** A ping in one sentence, for a toast or an alert. */
export function pingSentence(report) {
  const failed = [
    report.woocommerce?.ok ? null : `WooCommerce: ${report.woocommerce?.error ?? 'no answer'}`,
    report.zoho?.ok ? null : `Zoho Books: ${report.zoho?.error ?? 'no answer'}`,
  ].filter(Boolean);
  return failed.length ? failed.join(' · ') : 'Both WooCommerce and Zoho Books answered.';
}
