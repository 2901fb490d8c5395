import { apiPath } from '../api-client';
import type { CreditSweep, RefundSweep, ResourceSweep, SweepResult, WebhookSweep } from '../api-types';
import type { Command } from '../command';
import { ApiError, EXIT } from '../errors';
import { formatCount, formatTime, plural, renderDetails } from '../output';

/** A sweep reads the whole customer list and 90 days of orders, so it takes longer than one request usually does. */
const SWEEP_TIMEOUT_MS = 10 * 60_000;

export const reconcile: Command = {
  path: ['reconcile'],
  summary: 'Sweep the store now for changes the webhooks missed, refunds not booked and webhook problems',
  positionals: [{ name: 'connectionId' }],
  options: [],
  details: [
    'Publishes what the services lack (orders, customers, refunds that differ from the credit notes booked,',
    'credits waiting for a sent invoice), re-activates disabled webhooks and re-keys ones on an old secret;',
    'things already in step are left alone.',
    'Exits 1 when the store failed part-way (the counts of what did work are still printed) or another',
    'instance is sweeping the connection.',
  ],
  examples: ['connector reconcile 6f1c…', 'connector reconcile 6f1c… --json | jq .refunds'],
  async run({ api, out }, args) {
    const path = apiPath('connections', args.positionals[0], 'reconcile');
    let result: SweepResult;
    try {
      result = await api.post<SweepResult>(path, undefined, { timeoutMs: SWEEP_TIMEOUT_MS });
    } catch (error) {
      // A store failing part-way is a 502 whose body is the sweep itself: what did work is worth showing.
      if (!(error instanceof ApiError && error.statusCode === 502 && isSweep(error.body))) throw error;
      result = error.body;
    }
    out.result(result, () => out.lines(renderSweep(result)));
    if (result.ok) return EXIT.ok;
    out.note('connector: the sweep did not finish every part (see "failed" above); the next sweep tries again');
    return EXIT.failed;
  },
};

function isSweep(body: unknown): body is SweepResult {
  return typeof body === 'object' && body !== null && 'orders' in body && 'webhooks' in body;
}

export function renderSweep(result: SweepResult): string[] {
  return renderDetails([
    ['Sweep', `${result.trigger}, ${formatTime(result.startedAt)} to ${formatTime(result.finishedAt)} UTC`],
    ['Orders', resourceLine(result.orders)],
    ['Customers', resourceLine(result.customers)],
    ['Credits', creditLine(result.credits)],
    // Absent from a token-service that predates the refund pass.
    ['Refunds', result.refunds ? refundLine(result.refunds) : undefined],
    ['Webhooks', webhookLine(result.webhooks, result.connectionId)],
  ]);
}

function resourceLine(sweep: ResourceSweep): string {
  if (sweep.error) return `failed: ${sweep.error}`;
  return `${formatCount(sweep.examined)} changed, ${formatCount(sweep.published)} published${alreadyInStream(sweep.duplicates)}, ${formatCount(sweep.inStep)} in step (checkpoint ${formatTime(sweep.checkpoint)})`;
}

function creditLine(sweep: CreditSweep): string {
  if (sweep.error) return `failed: ${sweep.error}`;
  if (sweep.awaiting === 0) return 'none waiting for a sent invoice';
  const gone = sweep.gone ? `, ${formatCount(sweep.gone)} no longer in the store (left to the owner)` : '';
  return `credits of ${plural(sweep.awaiting, 'order')} waiting for a sent invoice, ${formatCount(sweep.published)} checked${gone}`;
}

function refundLine(sweep: RefundSweep): string {
  if (sweep.error) return `failed: ${sweep.error}`;
  if (!sweep.ran) return 'not due (scheduled sweeps check them once a day)';
  const examined = `${plural(sweep.examined, 'recent order')} examined`;
  const differing = sweep.published + sweep.duplicates;
  if (differing === 0) return `${examined}, none whose refunds differ from the credit notes booked`;
  return `${examined}, ${formatCount(differing)} whose refunds differ from the credit notes booked: ${formatCount(sweep.published)} published${alreadyInStream(sweep.duplicates)}`;
}

function webhookLine(check: WebhookSweep, connectionId: string): string {
  const problems = check.problems.map((problem) => problem.message).join('; ');
  if (check.error) return `failed: ${check.error}${problems ? ` (found: ${problems})` : ''}`;
  // Paused and missing webhooks are a person's choice: the sweep reports them but leaves them alone.
  if (check.repaired) return `${check.healthy ? 'repaired' : 'partly repaired, not healthy'}: ${problems}`;
  return check.healthy ? 'healthy' : `not healthy: ${problems} (connector webhooks ${connectionId} registers them)`;
}

const alreadyInStream = (duplicates: number) => (duplicates ? ` (${formatCount(duplicates)} already in the audit stream)` : '');
