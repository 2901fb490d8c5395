import { api } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { session } from '../session.js';
import { busy } from '../ui.js';

/** Asks for the admin token once per tab; it is checked against the API before being kept. */
export function renderSignIn(main, { message, onSignedIn }) {
  const inputId = uid('token');
  const errorId = uid('token-error');
  const input = h('input', {
    id: inputId,
    name: 'token',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    spellcheck: 'false',
    'aria-describedby': `${errorId} ${inputId}-hint`,
  });
  const error = h('p', { id: errorId, class: 'field-error', role: 'alert' }, message ?? '');
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');

  const form = h(
    'form',
    {
      class: 'signin card',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return fail('Enter the admin token (ADMIN_TOKEN of the token service).');
        await busy(submit, async () => {
          try {
            const connections = await api('/api/connections', { token });
            session.signIn(token);
            await onSignedIn(connections);
          } catch (err) {
            fail(err.status === 401 ? 'That token was not accepted. Check ADMIN_TOKEN in the token service’s settings.' : err.message);
          }
        });
      },
    },
    h('h1', { tabindex: '-1' }, 'Connector dashboard'),
    h('p', { class: 'muted' }, 'Keeps your WooCommerce store and Zoho Books in step. Sign in with the admin token to see connections, orders and failures.'),
    h('div', { class: 'field' }, h('label', { for: inputId }, 'Admin token'), input, h('p', { class: 'hint', id: `${inputId}-hint` }, 'Kept in this browser tab only, and sent with each request to the connector.'), error),
    submit,
  );

  function fail(text) {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  document.title = 'Sign in · Connector';
  replace(main, form);
  input.focus();
}
