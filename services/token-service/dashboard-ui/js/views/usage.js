import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { badge, busy, button, errorNotice } from '../ui.js';

const PLAN_LIMITS = 'Zoho Books allows 1,000 calls a day per organization on the Free plan, 2,000 on Standard, 5,000 on Professional and 10,000 on Premium and above.';

/**
 * Zoho API calls used today against the daily quota. Reads `GET /api/connections/:id/usage`
 * ({ callsToday, rejectedToday, dailyLimit }); a server without that endpoint gets an
 * explanation and an on-demand estimate from the audit trail instead.
 */
export function usageTile(connectionId, signal) {
  const body = h('div', { class: 'usage' }, h('p', { class: 'muted' }, 'Loading…'));
  const tile = h('section', { class: 'tile' }, h('h3', null, 'Zoho API calls today'), body);

  api(`/api/connections/${seg(connectionId)}/usage`, { signal })
    .then((usage) => replace(body, usageView(usage)))
    .catch((error) => {
      if (error.name === 'AbortError') return;
      if (!error.missingEndpoint) return replace(body, errorNotice(error, 'Usage could not be loaded'));
      const estimate = h('div', { 'aria-live': 'polite' });
      const estimateButton = button('Count from today’s audit trail', () =>
        busy(estimateButton, async () => {
          try {
            replace(estimate, estimateView(await auditEstimate(connectionId, signal)));
          } catch (err) {
            if (err.name !== 'AbortError') replace(estimate, errorNotice(err, 'The audit trail could not be read'));
          }
        }), { tone: 'link' });
      replace(body, h('p', { class: 'muted' }, 'This connector version does not report its Zoho usage yet. ', PLAN_LIMITS), estimateButton, estimate);
    });
  return tile;
}

function usageView(usage) {
  const used = Number(usage.callsToday ?? 0);
  const limit = Number(usage.dailyLimit ?? 0);
  const rejected = Number(usage.rejectedToday ?? 0);
  return [
    h('p', { class: 'big-number' }, count(used), limit ? h('span', { class: 'muted' }, ` of ${count(limit)}`) : null),
    limit
      ? h('meter', { min: '0', max: String(limit), low: String(limit * 0.7), high: String(limit * 0.9), optimum: '0', value: String(used), 'aria-label': `${count(used)} of ${count(limit)} daily calls used` })
      : h('p', { class: 'muted' }, PLAN_LIMITS),
    rejected ? h('p', null, badge(`${count(rejected)} refused by Zoho`, 'warn'), ' Calls were slowed down to stay within the limits.') : null,
  ];
}

/** Calls the services recorded with their audit entries since local midnight (newest 500 entries). */
async function auditEstimate(connectionId, signal) {
  const entries = await api(`/api/connections/${seg(connectionId)}/audit?limit=500`, { signal });
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const today = entries.filter((e) => new Date(e.createdAt) >= midnight);
  const calls = today.reduce((sum, e) => sum + (Array.isArray(e.detail?.zohoCalls) ? e.detail.zohoCalls.length : 0), 0);
  return { calls, truncated: entries.length === 500 && today.length === entries.length };
}

function estimateView({ calls, truncated }) {
  return h('p', null, h('strong', null, `${truncated ? 'At least ' : ''}${count(calls)}`), ` call${calls === 1 ? '' : 's'} recorded in the audit trail since midnight (an estimate: lookups made outside order syncs are not all recorded).`);
}
