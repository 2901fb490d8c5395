import { h, uid } from './dom.js';

/** A labelled input with an optional hint wired through aria-describedby. */
export function field(label, input, hint) {
  if (!input.id) input.id = uid('field');
  const hintId = hint ? `${input.id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

/**
 * Marks the inputs a server validation message names (e.g. "woocommerce.url should not be
 * empty; zoho.clientId …") as invalid, and returns the message parts for display.
 */
export function markInvalid(form, message) {
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const parts = String(message ?? '').split(/;\s*/).filter(Boolean);
  let first = null;
  for (const part of parts) {
    const name = /^([A-Za-z]+(?:\.[A-Za-z]+)*)/.exec(part)?.[1];
    const input = name ? form.elements.namedItem(name) : null;
    if (input instanceof HTMLElement) {
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    }
  }
  first?.focus();
  return parts;
}
