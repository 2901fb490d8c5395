import { api, seg } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { badge, busy, button, deliveryCheckNotice, errorNotice, notice, timeAgo, toast } from '../ui.js';
import { pingSentence, wooHealth, zohoHealth } from './health.js';
import { credentialsForm } from './credentials-form.js';
import { settingsForm } from './settings-form.js';
import { sweepResult } from './sweep-result.js';
import { usageTile } from './usage.js';

/** One connection: the health of each side and the actions that repair it. */
export function connectionCard(initial, { signal, onChanged }) {
  let connection = initial;
  const headingId = uid('connection');
  const header = h('header', { class: 'card-header' });
  const health = h('div', { class: 'health-grid' });
  const webhookResult = h('div', { class: 'webhook-result' });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const sweepOutcome = h('div', { 'aria-live': 'polite' });
  const reauth = credentialsForm({
    connection: () => connection,
    signal,
    title: 'Re-authorize Zoho Books',
    intro: 'Generate a new refresh token for this organization in the Zoho API console and paste it here. Client id and secret are only needed if they changed.',
    path: 'zoho',
    fields: [
      { name: 'refreshToken', label: 'New refresh token', secret: true },
      { name: 'clientId', label: 'Client id (optional)', optional: true },
      { name: 'clientSecret', label: 'Client secret (optional)', secret: true, optional: true },
    ],
    saveLabel: 'Save and resume',
    missing: 'Paste the new refresh token from the Zoho API console.',
    failure: 'Zoho was not re-authorized',
    onSaved: (saved) => credentialsSaved(saved, reauth, reauthButton, 'Zoho re-authorized. Waiting orders continue now.'),
    onCancel: () => toggleCredentials(reauth, reauthButton, false),
  });
  const storeKeys = credentialsForm({
    connection: () => connection,
    signal,
    title: 'Replace the store keys',
    intro: 'After you revoked or regenerated the REST key in WooCommerce (Settings → Advanced → REST API, Read/Write): paste the new key here. It is tried on the store before it is kept. Give the address only if the store moved.',
    path: 'woocommerce',
    fields: [
      { name: 'consumerKey', label: 'Consumer key (ck_…)' },
      { name: 'consumerSecret', label: 'Consumer secret (cs_…)', secret: true },
      { name: 'url', label: 'New store address (optional)', optional: true },
    ],
    saveLabel: 'Check and save',
    missing: 'Paste both the consumer key and the consumer secret.',
    failure: 'The store keys were not replaced',
    onSaved: (saved) => credentialsSaved(saved, storeKeys, storeKeysButton, 'store keys replaced and checked on the store.'),
    onCancel: () => toggleCredentials(storeKeys, storeKeysButton, false),
  });
  const settings = settingsForm(connection, {
    signal,
    onSaved: (saved) => {
      connection = { ...connection, settings: saved.settings };
      toggleSettings(false);
      paint();
      toast(`${connection.name}: settings saved. The next order event uses them.`);
      onChanged?.();
    },
    onCancel: () => toggleSettings(false),
  });
  const usage = usageTile(connection.id, signal);

  const pingButton = button('Check connection', () => ping(), { tone: 'primary' });
  const webhooksButton = button('Register webhooks', () => registerWebhooks());
  const sweepButton = button('Sweep now', () => sweep(), { title: 'Look in the store for changes the webhooks missed, refunds not booked and webhook problems' });
  const reauthButton = button('Re-authorize Zoho', () => toggleCredentials(reauth, reauthButton), { 'aria-expanded': 'false', 'aria-controls': reauth.id });
  const storeKeysButton = button('Replace store keys', () => toggleCredentials(storeKeys, storeKeysButton), { 'aria-expanded': 'false', 'aria-controls': storeKeys.id });
  const rotateButton = button('New signing secret', () => rotateSecret());
  const graceChoice = h('select', { 'aria-label': 'Old signing secret', name: 'graceMinutes' },
    h('option', { value: '60' }, 'Old secret valid one more hour'),
    h('option', { value: '0' }, 'Old secret refused at once (it leaked)'));
  const settingsButton = button('Settings', () => toggleSettings(), { 'aria-expanded': 'false', 'aria-controls': settings.form.id });

  const card = h(
    'article',
    { class: 'card connection', 'aria-labelledby': headingId, dataset: { connection: connection.id } },
    header,
    health,
    h('div', { class: 'card-actions' }, pingButton, webhooksButton, sweepButton, reauthButton, storeKeysButton, settingsButton, h('span', { class: 'spacer' }), links()),
    feedback,
    sweepOutcome,
    reauth,
    storeKeys,
    settings.form,
  );
  paint();
  return card;

  function paint() {
    const needsReauth = connection.status === 'needs_reauthorization';
    replace(
      header,
      h('div', null,
        h('h2', { id: headingId }, connection.name),
        h('p', { class: 'muted break' }, h('a', { href: connection.woocommerce?.url, rel: 'noreferrer', target: '_blank' }, connection.woocommerce?.url ?? ''), ' → Zoho Books ', connection.zoho?.organizationId ? `organization ${connection.zoho.organizationId}` : '(organization chosen at the first sign-in)'),
      ),
      h('div', { class: 'badges' }, connection.settings?.sandbox ? badge('Sandbox', 'info') : null, needsReauth ? badge('Needs re-authorization', 'bad') : badge('Active', 'ok')),
    );
    const last = connection.lastPing;
    replace(
      health,
      needsReauth
        ? h('div', { class: 'span-all' }, notice('bad', 'Zoho Books stopped accepting this connection.', connection.statusReason ?? 'The refresh token was revoked or expired.', ' Orders wait and continue by themselves once Zoho is re-authorized.'))
        : null,
      h('section', { class: 'tile' }, h('h3', null, 'WooCommerce'), wooHealth(last?.woocommerce)),
      h('section', { class: 'tile' }, h('h3', null, 'Zoho Books'), zohoHealth(connection, last?.zoho)),
      h('section', { class: 'tile' }, h('h3', null, 'Webhooks'),
        h('p', { class: 'muted' }, 'The store sends its orders and customers to:'),
        h('code', { class: 'url break' }, connection.webhookUrl),
        h('div', { class: 'field-row' }, graceChoice, rotateButton),
        webhookResult),
      usage,
      h('p', { class: 'span-all muted small' }, last?.at ? ['Last checked ', timeAgo(last.at), '.'] : 'Not checked yet.'),
    );
  }

  function credentialsSaved(saved, form, toggle, what) {
    connection = saved;
    toggleCredentials(form, toggle, false);
    paint();
    toast(`${connection.name}: ${what}`);
    onChanged?.();
  }

  async function ping() {
    await busy(pingButton, async () => {
      replace(feedback);
      try {
        const report = await api(`/api/connections/${seg(connection.id)}/ping`, { method: 'POST', signal, timeoutMs: 60_000 });
        connection = { ...connection, lastPing: report };
        paint();
        const allOk = report.woocommerce?.ok && report.zoho?.ok;
        if (allOk) toast(`${connection.name}: ${pingSentence(report)}`);
        else replace(feedback, notice('bad', 'The check found a problem.', pingSentence(report)));
      } catch (error) {
        if (error.name !== 'AbortError') replace(feedback, errorNotice(error, 'The check could not run'));
      }
    });
  }

  async function registerWebhooks() {
    await busy(webhooksButton, async () => {
      replace(feedback);
      try {
        const result = await api(`/api/connections/${seg(connection.id)}/webhooks`, { method: 'POST', signal, timeoutMs: 60_000 });
        replace(webhookResult, deliveryCheckNotice(result.deliveryCheck), webhookList(result.webhooks ?? []));
        toast(`${connection.name}: webhooks registered${result.deliveryCheck?.status === 'not-reached' ? ', but the store cannot reach Connector' : ''}.`);
      } catch (error) {
        if (error.name !== 'AbortError') replace(feedback, errorNotice(error, 'The webhooks could not be registered'));
      }
    });
  }

  /** A reconciliation sweep now; a store failing part-way answers 502 with the sweep, which is shown as it is. */
  async function sweep() {
    await busy(sweepButton, async () => {
      replace(sweepOutcome);
      try {
        // It reads the store's changed orders, every customer and 90 days of orders: minutes on a big store.
        replace(sweepOutcome, sweepResult(await api(`/api/connections/${seg(connection.id)}/reconcile`, { method: 'POST', signal, timeoutMs: 10 * 60_000 })));
      } catch (error) {
        if (error.name === 'AbortError') return;
        replace(sweepOutcome, error.status === 502 && error.body?.orders ? sweepResult(error.body) : errorNotice(error, 'The sweep could not run'));
      }
    });
  }

  /** A new secret for the store's webhooks; the store is re-keyed with it (see the API's rotate-secret). */
  async function rotateSecret() {
    await busy(rotateButton, async () => {
      replace(feedback);
      try {
        const result = await api(`/api/connections/${seg(connection.id)}/webhooks/rotate-secret`, { method: 'POST', body: { graceMinutes: Number(graceChoice.value) }, signal, timeoutMs: 60_000 });
        replace(webhookResult, webhookList(result.webhooks ?? []));
        const until = result.previousSecretAcceptedUntil;
        toast(`${connection.name}: new signing secret, the store's webhooks re-keyed; ${until ? `the old secret is accepted until ${new Date(until).toLocaleTimeString()}` : 'the old secret is refused'}.`);
      } catch (error) {
        if (error.name !== 'AbortError') replace(feedback, errorNotice(error, 'The signing secret was not replaced everywhere'));
      }
    });
  }

  function toggleSettings(open = settings.form.hidden) {
    if (open) settings.fill(connection); // what is stored now, not what was typed and cancelled
    settings.form.hidden = !open;
    settingsButton.setAttribute('aria-expanded', String(open));
    if (open) settings.form.querySelector('select, input').focus();
  }

  /** Opens one credentials form (closing the other), or closes it. */
  function toggleCredentials(form, toggle, open = form.hidden) {
    for (const [other, otherToggle] of [[reauth, reauthButton], [storeKeys, storeKeysButton]]) {
      const shown = other === form ? open : false;
      other.hidden = !shown;
      otherToggle.setAttribute('aria-expanded', String(shown));
    }
    if (open) form.querySelector('input').focus();
  }

  function links() {
    const base = `#/c/${encodeURIComponent(connection.id)}`;
    return h('span', { class: 'links' }, h('a', { href: `${base}/orders` }, 'Orders'), h('a', { href: `${base}/failures` }, 'Failures'), h('a', { href: `${base}/products` }, 'Products'));
  }
}

const ACTIONS = { created: 'created', updated: 'updated', reactivated: 'reactivated', unchanged: 'already in place' };

function webhookList(webhooks) {
  if (!webhooks.length) return h('p', { class: 'muted' }, 'The store reported no webhooks.');
  return h(
    'ul',
    { class: 'plain' },
    webhooks.map((w) =>
      h('li', null, h('code', null, w.topic), ' ', badge(w.status ?? 'unknown', w.status === 'active' ? 'ok' : 'warn'), ' ', h('span', { class: 'muted' }, ACTIONS[w.action] ?? w.action ?? '')),
    ),
  );
}
