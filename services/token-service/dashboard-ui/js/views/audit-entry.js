import { h } from '../dom.js';
import { dateTime } from '../format.js';
import { badge, details, jsonBlock, outcomeBadge } from '../ui.js';

// Actions in the imperative: the outcome badge next to them says whether they worked.
const ACTIONS = {
  received: 'Receive',
  'create-invoice': 'Create invoice',
  'update-invoice': 'Update invoice',
  'recover-invoice': 'Recover invoice after a lost answer',
  'void-invoice': 'Void invoice',
  skip: 'Skip',
};

/**
 * One audit entry: what a service did, why, and each Zoho request and response it made.
 * `resourceLink(entry)` may return an href for the record it concerns (the order's story).
 */
export function auditEntry(entry, { resourceLink } = {}) {
  const link = resourceLink?.(entry);
  const { zohoCalls, ...rest } = entry.detail && typeof entry.detail === 'object' && !Array.isArray(entry.detail) ? entry.detail : { value: entry.detail };
  const other = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length)));
  return h(
    'li',
    { class: `entry outcome-${entry.outcome}`, dataset: { id: entry.id } },
    h('div', { class: 'entry-head' },
      outcomeBadge(entry.outcome),
      h('strong', null, ACTIONS[entry.action] ?? entry.action),
      h('span', { class: 'muted small' }, entry.service),
      link ? h('a', { href: link, class: 'small' }, `${entry.resource} ${entry.resourceId}`) : null,
      entry.streamSeq ? h('span', { class: 'muted small' }, `event #${entry.streamSeq}`) : null,
      h('time', { class: 'muted small', datetime: entry.createdAt }, dateTime(entry.createdAt))),
    entry.message ? h('p', { class: 'entry-message' }, entry.message) : null,
    Array.isArray(zohoCalls) && zohoCalls.length ? h('ol', { class: 'calls', 'aria-label': 'Zoho requests' }, zohoCalls.map(zohoCall)) : null,
    Object.keys(other).length ? details('Details', jsonBlock(other)) : null,
  );
}

/** A Zoho exchange, folded: the one-line summary tells what happened; bodies open on demand. */
function zohoCall(call) {
  const failed = call.error || (call.status ?? 0) >= 400;
  const query = Object.entries(call.query ?? {}).filter(([key]) => key !== 'organization_id');
  return h(
    'li',
    null,
    details(
      [
        badge(call.status ? String(call.status) : 'no answer', failed ? 'bad' : 'ok'),
        ' ',
        h('code', null, `${call.method} ${call.path}`),
        call.code ? h('span', { class: 'muted small' }, ` code ${call.code}`) : null,
        typeof call.durationMs === 'number' ? h('span', { class: 'muted small' }, ` · ${Math.round(call.durationMs)} ms`) : null,
      ],
      call.error ? h('p', { class: 'problem' }, call.error) : null,
      query.length ? h('p', { class: 'small' }, 'Query: ', h('code', null, new URLSearchParams(query).toString())) : null,
      call.requestBody !== undefined ? [h('h4', null, 'Request'), jsonBlock(call.requestBody)] : null,
      call.responseBody !== undefined ? [h('h4', null, 'Response'), jsonBlock(call.responseBody)] : null,
    ),
  );
}
