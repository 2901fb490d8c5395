import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { clockTime, count } from '../format.js';
import { badge, busy, button, errorNotice, notice, timeAgo } from '../ui.js';

const PLAN_LIMITS = 'Zoho Books allows 1,000 calls a day per organization on the Free plan, 2,000 on Standard, 5,000 on Professional and 10,000 on Premium and above.';

/**
 * The organization's daily Zoho quota. Reads `GET /api/connections/:id/usage`: its `quota` is
 * Zoho's own count (`source: 'zoho'`, from the X-Rate-Limit headers of its answers) when Zoho
 * sends it, else Connector's calls since the database's midnight (`calendar-day`, against the
 * `dailyLimit` the owner set). A server without that endpoint gets an explanation and an
 * on-demand estimate from the audit trail instead.
 */
export function usageTile(connectionId, signal) {
  const body = h('div', { class: 'usage' }, h('p', { class: 'muted' }, 'Loading…'));
  const tile = h('section', { class: 'tile', 'aria-label': 'Zoho daily quota' }, h('h3', null, 'Zoho daily quota'), body);

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
  if (!usage.organizationId) return h('p', { class: 'muted' }, 'Known once the connection has reached its Zoho organization.');
  const { zohoCount, used, limit, resetsAt, readAt } = quotaOf(usage);
  const rejected = Number(usage.rejectedToday ?? 0);
  const blocked = usage.blockedUntil && new Date(usage.blockedUntil) > new Date() ? usage.blockedUntil : null;
  return [
    h('p', { class: 'big-number' }, count(used), limit ? h('span', { class: 'muted' }, ` of ${count(limit)} used`) : h('span', { class: 'muted' }, ' calls')),
    limit
      ? h('meter', { min: '0', max: String(limit), low: String(limit * 0.7), high: String(limit * 0.9), optimum: '0', value: String(Math.min(used, limit)), 'aria-label': `${count(used)} of ${count(limit)} daily calls used` })
      : null,
    resetsAt ? h('p', null, `Resets at ${clockTime(resetsAt)} (`, timeAgo(resetsAt), ')') : null,
    zohoCount
      ? h('p', { class: 'muted small' }, 'Zoho’s count, reported ', timeAgo(readAt), '.')
      : h('p', { class: 'muted small' }, 'Connector’s count since midnight: Zoho’s answers have not said its count yet.', limit ? null : [' ', PLAN_LIMITS, ' Set yours under Settings.']),
    blocked ? notice('warn', null, 'Zoho refuses this organization’s calls until ', clockTime(blocked), '. Events wait and continue by themselves.') : null,
    rejected ? h('p', null, badge(`${count(rejected)} refused by Zoho`, 'warn'), ' Calls were slowed down to stay within the limits.') : null,
  ];
}

/**
 * Zoho's count when the server reports one; otherwise Connector's own against the limit the
 * owner set (`dailyLimit`), which is also all a server from before `quota` says.
 */
function quotaOf(usage) {
  const quota = usage.quota;
  if (quota?.source === 'zoho' && quota.limit !== null) {
    return { zohoCount: true, used: Number(quota.used), limit: Number(quota.limit), resetsAt: quota.resetsAt, readAt: quota.readAt };
  }
  return { zohoCount: false, used: Number(quota?.used ?? usage.callsToday ?? 0), limit: Number(usage.dailyLimit ?? 0), resetsAt: quota?.resetsAt ?? null, readAt: null };
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
