import { api, seg } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { field, markInvalid } from '../forms.js';
import { busy, button, errorNotice, notice } from '../ui.js';

const input = (name, props = {}) => h('input', { name: `settings.${name}`, autocomplete: 'off', spellcheck: 'false', ...props });

/**
 * The settings an owner changes after set-up, each as stored (empty: the default). Saving sends
 * only what changed (PATCH; an emptied field is null, so its default applies again).
 */
const FIELDS = [
  {
    key: 'invoiceStatus',
    label: 'New invoices',
    control: () => h('select', { name: 'settings.invoiceStatus' }, h('option', { value: '' }, 'Drafts (you send them in Zoho)'), h('option', { value: 'sent' }, 'Marked as sent (they count in the books at once)')),
    hint: 'A draft posts nothing to the books. Nothing is emailed to customers either way.',
  },
  { key: 'paymentsSince', label: 'Book payments of orders paid from', control: () => input('paymentsSince', { placeholder: '2026-12-01T00:00:00', pattern: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' }), hint: 'UTC. Empty: payments are not booked.' },
  { key: 'paymentAccountId', label: 'Deposit account id', control: () => input('paymentAccountId', { inputmode: 'numeric', pattern: '\\d*' }), hint: "Empty: Zoho's default, and money given back for refunds is left to you." },
  {
    key: 'invoiceNumber',
    label: 'Invoice numbers',
    control: () => h('select', { name: 'settings.invoiceNumber' }, h('option', { value: 'zoho' }, 'Zoho numbers them'), h('option', { value: 'order-number' }, 'Use the order number')),
    hint: 'For new invoices: an issued invoice keeps its number.',
  },
  { key: 'invoiceNumberPrefix', label: 'Invoice number prefix', control: () => input('invoiceNumberPrefix', { maxlength: '20', placeholder: 'WC-' }) },
  {
    key: 'ordersWithoutEmail',
    label: 'Orders without an email',
    control: () => h('select', { name: 'settings.ordersWithoutEmail' }, h('option', { value: '' }, 'Booked to one walk-in contact'), h('option', { value: 'fail' }, 'Failed until you add the email')),
    hint: 'Phone, counter and admin-made orders. The invoice names the buyer in its notes.',
  },
  { key: 'walkInContactName', label: 'Walk-in contact name', control: () => input('walkInContactName', { maxlength: '100', placeholder: 'Walk-in customer' }), hint: 'In another currency than the base one: "<name> (EUR)". Empty: Walk-in customer.' },
  { key: 'zohoDailyLimit', label: "Zoho calls per day (your plan's)", control: () => input('zohoDailyLimit', { inputmode: 'numeric', pattern: '\\d*' }), hint: 'An alert goes out at 90 %. Empty: no quota alert.', number: true },
  { key: 'storeTimeZone', label: 'Store time zone', control: () => input('storeTimeZone', { placeholder: 'Europe/Berlin' }), hint: 'For invoice and payment dates. Empty: UTC.' },
  { key: 'syncStatuses', label: 'Order statuses to invoice', control: () => input('syncStatuses', { placeholder: 'processing, completed, on-hold' }), hint: 'Comma-separated. Empty: processing, completed, on-hold.', list: true },
];

/** A hidden form under a connection card; `onSaved(connection)` gets the connection as stored. */
export function settingsForm(connection, { signal, onSaved, onCancel }) {
  const error = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button primary' }, 'Save settings');
  const controls = new Map(FIELDS.map((spec) => [spec.key, spec.control()]));
  const form = h(
    'form',
    { id: uid('settings'), class: 'subform', novalidate: true, hidden: true, onsubmit: (event) => submit(event) },
    h('h3', null, 'Settings'),
    h('p', { class: 'muted' }, 'Changes apply from the next order event on; invoices already in Zoho stay as they are.'),
    ...FIELDS.map((spec) => field(spec.label, controls.get(spec.key), spec.hint)),
    error,
    h('div', { class: 'card-actions' }, save, button('Cancel', () => onCancel?.(), { tone: 'ghost' })),
  );
  fill(connection);
  return { form, fill };

  /** Shows the settings as stored. */
  function fill(current) {
    connection = current;
    for (const spec of FIELDS) {
      const value = current.settings?.[spec.key];
      controls.get(spec.key).value = value === undefined ? '' : spec.list ? value.join(', ') : String(value);
    }
    replace(error);
  }

  async function submit(event) {
    event.preventDefault();
    const change = {};
    for (const spec of FIELDS) {
      const raw = controls.get(spec.key).value.trim();
      const value = raw === '' ? null : spec.list ? raw.split(',').map((s) => s.trim()).filter(Boolean) : spec.number && /^\d+$/.test(raw) ? Number(raw) : raw;
      const stored = connection.settings?.[spec.key] || null; // '' (no prefix) is what an empty field means too
      if (JSON.stringify(value) !== JSON.stringify(stored)) change[spec.key] = value;
    }
    if (Object.keys(change).length === 0) return replace(error, notice('info', null, 'Nothing changed.'));
    await busy(save, async () => {
      try {
        const saved = await api(`/api/connections/${seg(connection.id)}/settings`, { method: 'PATCH', body: change, signal });
        fill(saved);
        onSaved?.(saved);
      } catch (err) {
        if (err.name === 'AbortError') return;
        markInvalid(form, err.message);
        replace(error, errorNotice(err, 'The settings were not saved'));
      }
    });
  }
}
