import { h, uid } from '../dom.js';

/** "Acme store" under a page title, or the id when the list does not know the connection. */
export function connectionSubtitle(app, id) {
  const connection = app.connection(id);
  return connection ? `Connection: ${connection.name}` : `Connection ${id}`;
}

/**
 * A radio group styled as a segmented control: native keyboard behaviour (arrow keys) and
 * one announced choice, without custom ARIA widgets.
 */
export function segmented(legend, options, selected, onChange) {
  const name = uid('segment');
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, legend),
    Object.entries(options).map(([value, option]) => {
      const id = `${name}-${value}`;
      return h('span', null,
        h('input', { type: 'radio', id, name, value, checked: value === selected, onchange: () => onChange(value) }),
        h('label', { for: id }, option.label));
    }),
  );
}

/**
 * "Live · updated just now" for polled pages. Only a change between working and failing is
 * announced to screen readers; routine refreshes update the time silently.
 */
export function liveStatus() {
  const time = h('time', { dataset: { relative: '' } }, 'just now');
  const text = h('span');
  const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
  const announcer = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  const element = h('p', { class: 'live' }, dot, text, announcer);
  let state = 'loading';
  text.textContent = 'Loading…';
  return {
    element,
    ok() {
      const now = new Date().toISOString();
      time.setAttribute('datetime', now);
      time.textContent = 'just now';
      if (state === 'ok') return;
      if (state === 'error') announcer.textContent = 'Updates resumed.';
      state = 'ok';
      dot.className = 'dot ok';
      text.replaceChildren('Live · updated ', time);
    },
    error(message) {
      const line = `Updates paused: ${message} Retrying…`;
      if (state === 'error' && text.textContent === line) return;
      state = 'error';
      dot.className = 'dot bad';
      text.replaceChildren(line);
      announcer.textContent = line;
    },
  };
}
