// Every value reaches the page as a text node or a property, never as markup: names, reasons and
// Zoho messages come from stores and APIs and must be treated as hostile.

/** Properties set directly (their attribute form only holds the initial value). */
const PROPERTIES = new Set(['value', 'checked', 'selected', 'indeterminate']);
/** Attributes that can navigate or load: only same-page, same-origin or http(s) URLs pass. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction']);

/**
 * Creates an element. `props`: attributes, `class`, `dataset`, `on<event>` listeners.
 * Children: nodes, strings (as text), arrays, and null/false (skipped).
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (PROPERTIES.has(key)) element[key] = value;
    else if (URL_ATTRIBUTES.has(key)) {
      const url = safeUrl(value);
      if (url) element.setAttribute(key, url);
    } else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

/** Replaces all children at once (one layout pass instead of one per child). */
export function replace(parent, ...children) {
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  parent.replaceChildren(fragment);
  return parent;
}

/** `#…` and `/…` links, or absolute http(s) URLs; anything else (javascript:, data:) is refused. */
export function safeUrl(value) {
  const text = String(value ?? '').trim();
  if (text.startsWith('#') || (text.startsWith('/') && !text.startsWith('//'))) return text;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

let ids = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix = 'id') => `${prefix}-${++ids}`;
