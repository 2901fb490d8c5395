import { api, seg } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { field } from '../forms.js';
import { badge, busy, button, errorNotice, notice, timeAgo, toast } from '../ui.js';
import { pingSentence, wooHealth, zohoHealth } from './health.js';
import { settingsForm } from './settings-form.js';
import { usageTile } from './usage.js';

/** One connection: the health of each side and the actions that repair it. */
export function connectionCard(initial, { signal, onChanged }) {
  let connection = initial;
  const headingId = uid('connection');
  const header = h('header', { class: 'card-header' });
  const health = h('div', { class: 'health-grid' });
  const webhookResult = h('div', { class: 'webhook-result' });
  const feedback = h('div', { class: 'feedback', 'aria-live': 'polite' });
  const reauth = reauthorizeForm();
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
  const reauthButton = button('Re-authorize Zoho', () => toggleReauth(), { 'aria-expanded': 'false', 'aria-controls': reauth.id });
  const settingsButton = button('Settings', () => toggleSettings(), { 'aria-expanded': 'false', 'aria-controls': settings.form.id });

  const card = h(
    'article',
    { class: 'card connection', 'aria-labelledby': headingId, dataset: { connection: connection.id } },
    header,
    health,
    h('div', { class: 'card-actions' }, pingButton, webhooksButton, reauthButton, settingsButton, h('span', { class: 'spacer' }), links()),
    feedback,
    reauth,
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
        webhookResult),
      usage,
      h('p', { class: 'span-all muted small' }, last?.at ? ['Last checked ', timeAgo(last.at), '.'] : 'Not checked yet.'),
    );
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
        replace(webhookResult, webhookList(result.webhooks ?? []));
        toast(`${connection.name}: webhooks registered.`);
      } catch (error) {
        if (error.name !== 'AbortError') replace(feedback, errorNotice(error, 'The webhooks could not be registered'));
      }
    });
  }

  function toggleSettings(open = settings.form.hidden) {
    if (open) settings.fill(connection); // what is stored now, not what was typed and cancelled
    settings.form.hidden = !open;
    settingsButton.setAttribute('aria-expanded', String(open));
    if (open) settings.form.querySelector('select, input').focus();
  }

  function toggleReauth(open = reauth.hidden) {
    reauth.hidden = !open;
    reauthButton.setAttribute('aria-expanded', String(open));
    if (open) reauth.querySelector('input').focus();
  }

  function reauthorizeForm() {
    const error = h('div', { 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'button primary' }, 'Save and resume');
    const form = h(
      'form',
      {
        id: uid('reauth'),
        class: 'subform',
        novalidate: true,
        hidden: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const data = new FormData(form);
          const body = { refreshToken: String(data.get('refreshToken')).trim() };
          for (const key of ['clientId', 'clientSecret']) if (String(data.get(key)).trim()) body[key] = String(data.get(key)).trim();
          if (!body.refreshToken) return replace(error, notice('bad', null, 'Paste the new refresh token from the Zoho API console.'));
          await busy(save, async () => {
            try {
              connection = await api(`/api/connections/${seg(connection.id)}/zoho`, { method: 'PUT', body, signal });
              form.reset();
              replace(error);
              toggleReauth(false);
              paint();
              toast(`${connection.name}: Zoho re-authorized. Waiting orders continue now.`);
              onChanged?.();
            } catch (err) {
              if (err.name !== 'AbortError') replace(error, errorNotice(err, 'Zoho was not re-authorized'));
            }
          });
        },
      },
      h('h3', null, 'Re-authorize Zoho Books'),
      h('p', { class: 'muted' }, 'Generate a new refresh token for this organization in the Zoho API console and paste it here. Client id and secret are only needed if they changed.'),
      field('New refresh token', h('input', { name: 'refreshToken', type: 'password', required: true, autocomplete: 'off' })),
      h('div', { class: 'field-row' },
        field('Client id (optional)', h('input', { name: 'clientId', autocomplete: 'off' })),
        field('Client secret (optional)', h('input', { name: 'clientSecret', type: 'password', autocomplete: 'off' }))),
      error,
      h('div', { class: 'card-actions' }, save, button('Cancel', () => toggleReauth(false), { tone: 'ghost' })),
    );
    return form;
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
