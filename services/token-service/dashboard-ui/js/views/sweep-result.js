import { h } from '../dom.js';
import { count, plural } from '../format.js';
import { badge, facts, notice, timeAgo } from '../ui.js';

/**
 * What one reconciliation sweep (`POST /api/connections/:id/reconcile`) found and did, one fact
 * per part. A part the store failed says so in its own words; the others still count.
 */
export function sweepResult(result) {
  const title = result.ok ? 'Sweep finished' : 'The sweep did not finish every part';
  const intro = result.ok
    ? 'Whatever the services lacked was sent to them; what was already in step was left alone.'
    : 'The parts marked failed are tried again by the next sweep; the counts of the others stand.';
  return h('section', { class: 'sweep-result', 'aria-label': 'Sweep result' },
    notice(result.ok ? 'ok' : 'warn', title, intro, ' Finished ', timeAgo(result.finishedAt), '.'),
    facts([
      ['Orders', resourceText(result.orders)],
      ['Customers', resourceText(result.customers)],
      ['Credits waiting for a sent invoice', creditText(result.credits)],
      // Absent from a server that predates the refund pass.
      ['Refunds', result.refunds ? refundText(result.refunds) : undefined],
      ['Webhooks', webhookText(result.webhooks)],
    ]));
}

const failed = (error) => [badge('failed', 'bad'), ' ', error];
const alreadyInStream = (duplicates) => (duplicates ? ` (${count(duplicates)} already on their way)` : '');

function resourceText(sweep) {
  if (sweep.error) return failed(sweep.error);
  return `${count(sweep.examined)} changed, ${count(sweep.published)} sent to the services${alreadyInStream(sweep.duplicates)}, ${count(sweep.inStep)} already in step`;
}

function creditText(sweep) {
  if (sweep.error) return failed(sweep.error);
  if (!sweep.awaiting) return 'none';
  const gone = sweep.gone ? `, ${count(sweep.gone)} no longer in the store (left to you)` : '';
  return `${plural(sweep.awaiting, 'order')}, ${count(sweep.published)} checked${gone}`;
}

function refundText(sweep) {
  if (sweep.error) return failed(sweep.error);
  if (!sweep.ran) return 'not due (checked once a day, and on every Sweep now)';
  const examined = `${plural(sweep.examined, 'recent order')} examined`;
  const differing = sweep.published + sweep.duplicates;
  if (!differing) return `${examined}, none whose refunds differ from the credit notes booked`;
  return `${examined}, ${count(differing)} whose refunds differ from the credit notes booked: ${count(sweep.published)} sent to the services${alreadyInStream(sweep.duplicates)}`;
}

function webhookText(check) {
  const problems = (check.problems ?? []).map((problem) => problem.message).join('; ');
  if (check.error) return failed(problems ? `${check.error} (found: ${problems})` : check.error);
  if (check.repaired) return [badge(check.healthy ? 'repaired' : 'partly repaired', check.healthy ? 'ok' : 'warn'), ' ', problems];
  if (check.healthy) return badge('healthy', 'ok');
  // Paused and missing webhooks are a person's choice: reported, never undone by the sweep.
  return [badge('not healthy', 'warn'), ' ', problems, '. Register webhooks restores them.'];
}
