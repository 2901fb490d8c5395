import { api, seg } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { field } from '../forms.js';
import { busy, button, errorNotice, notice } from '../ui.js';

/**
 * A hidden form under a connection card that replaces one side's credentials with a PUT: Zoho's
 * refresh token after a revocation, the store's REST keys after they were regenerated. Blank
 * optional fields are left out (what is stored stays); `onSaved(connection)` gets the connection
 * as stored. Secrets are password fields and the form is cleared once saved.
 */
export function credentialsForm({ connection, signal, title, intro, path, fields, saveLabel, missing, failure, onSaved, onCancel }) {
  const error = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'button primary' }, saveLabel);
  const control = (spec) => field(spec.label, h('input', { name: spec.name, type: spec.secret ? 'password' : 'text', required: !spec.optional, autocomplete: 'off', spellcheck: 'false' }));
  const required = fields.filter((spec) => !spec.optional);
  const optional = fields.filter((spec) => spec.optional);
  const form = h(
    'form',
    { id: uid('credentials'), class: 'subform', novalidate: true, hidden: true, onsubmit: (event) => submit(event) },
    h('h3', null, title),
    h('p', { class: 'muted' }, intro),
    ...required.map(control),
    optional.length ? h('div', { class: 'field-row' }, ...optional.map(control)) : null,
    error,
    h('div', { class: 'card-actions' }, save, button('Cancel', () => onCancel?.(), { tone: 'ghost' })),
  );
  return form;

  async function submit(event) {
    event.preventDefault();
    const data = new FormData(form);
    const body = {};
    for (const spec of fields) {
      const value = String(data.get(spec.name) ?? '').trim();
      if (value) body[spec.name] = value;
    }
    if (required.some((spec) => !body[spec.name])) return replace(error, notice('bad', null, missing));
    await busy(save, async () => {
      try {
        const saved = await api(`/api/connections/${seg(connection().id)}/${path}`, { method: 'PUT', body, signal, timeoutMs: 60_000 });
        form.reset();
        replace(error);
        onSaved?.(saved);
      } catch (err) {
        if (err.name !== 'AbortError') replace(error, errorNotice(err, failure));
      }
    });
  }
}
