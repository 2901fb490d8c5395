import { apiPath } from '../api-client';
import type { DeadLetter, Republished, RetryAllResult } from '../api-types';
import { flagOption, stringOption } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { Column, formatTime, plural, renderTable } from '../output';

/** What retry --all answers; token-services before the failure counts send only the events sent again. */
type RetryAllOutcome = Omit<RetryAllResult, 'failed' | 'failures'> & Partial<Pick<RetryAllResult, 'failed' | 'failures'>>;

export const deadLetterColumns: Column<DeadLetter>[] = [
  { header: 'ID', value: (l) => l.id },
  { header: 'CONSUMER', value: (l) => l.consumer },
  { header: 'EVENT', value: (l) => `#${l.streamSeq}` },
  { header: 'TOPIC', value: (l) => topicOf(l), max: 40 },
  { header: 'TRIES', value: (l) => l.deliveries, align: 'right' },
  { header: 'STATUS', value: (l) => l.status },
  { header: 'SINCE (UTC)', value: (l) => formatTime(l.createdAt) },
  { header: 'REASON', value: (l) => l.reason, max: 70 },
];

/**
 * Subjects read `<prefix>.<connectionId>.<resource>.<event>`; the connection has its own column,
 * so show what happened (`order.updated`). Anything else is shown whole.
 */
function topicOf(letter: DeadLetter): string {
  const marker = letter.connectionId ? `.${letter.connectionId}.` : null;
  const at = marker ? letter.subject.indexOf(marker) : -1;
  return at === -1 ? letter.subject : letter.subject.slice(at + (marker as string).length);
}

const list: Command = {
  path: ['dead-letters', 'list'],
  summary: 'Events a service gave up on, with the reason (newest first)',
  positionals: [],
  options: [
    { name: 'connection', kind: 'string', placeholder: '<connectionId>', description: 'Only this connection' },
    { name: 'status', kind: 'string', placeholder: '<status>', description: 'open (default), retrying, resolved, dismissed or superseded' },
  ],
  details: [
    'A refusal (a Zoho 4xx, an invalid delivery) is given up on at once. A temporary failure (Zoho or the',
    'store down, timeouts) is retried for a day first; its reason then reads `gave up after N deliveries over 24 h: …`.',
  ],
  examples: ['connector dead-letters list', 'connector dead-letters list --connection 6f1c…'],
  async run({ api, out }, args) {
    const letters = await api.get<DeadLetter[]>(apiPath('dead-letters'), {
      connectionId: stringOption(args, 'connection'),
      status: stringOption(args, 'status'),
    });
    out.result(letters, () => {
      if (letters.length === 0) return out.line('No dead letters.');
      const [id, ...rest] = deadLetterColumns;
      out.lines(renderTable(letters, [id, { header: 'CONNECTION', value: (l) => l.connectionId }, ...rest]));
    });
    return EXIT.ok;
  },
};

const retry: Command = {
  path: ['dead-letters', 'retry'],
  summary: 'Send one dead letter, or all open ones, through the pipeline again',
  positionals: [{ name: 'id', optional: true }],
  options: [
    { name: 'all', kind: 'boolean', description: 'Retry every open dead letter' },
    { name: 'connection', kind: 'string', placeholder: '<connectionId>', description: 'With --all: only this connection' },
  ],
  details: ['Fix the cause first (see the reason in `dead-letters list`): a retry runs the same event again.'],
  examples: ['connector dead-letters retry 0b5e…', 'connector dead-letters retry --all --connection 6f1c…'],
  async run({ api, out }, args) {
    const id = args.positionals[0];
    const all = flagOption(args, 'all');
    const connectionId = stringOption(args, 'connection');
    if (id !== undefined && all) throw new UsageError('give a dead letter id or --all, not both', 'dead-letters retry');
    if (id === undefined && !all) throw new UsageError('give a dead letter id, or --all to retry every open one', 'dead-letters retry');
    if (id !== undefined && connectionId !== undefined) {
      throw new UsageError('--connection only narrows --all; a dead letter id already names one letter', 'dead-letters retry');
    }

    if (id !== undefined) {
      const result = await api.post<Republished>(apiPath('dead-letters', id, 'retry'));
      out.result(result, () => out.lines([
        `Dead letter ${id}: event #${result.originalSeq} sent again as #${result.seq}.`,
        'It is retrying: resolved when the copy succeeds, superseded by a new letter if it fails again.',
      ]));
      return EXIT.ok;
    }
    const result = await api.post<RetryAllOutcome>(apiPath('dead-letters', 'retry'), connectionId ? { connectionId } : {});
    const { failed = 0, failures = [] } = result;
    out.result(result, () => {
      if (result.retried === 0 && failed === 0) return out.line('No open dead letters to retry.');
      if (result.retried > 0) {
        out.line(`Sent ${plural(result.retried, 'event')} through the pipeline again:`);
        out.lines(renderTable(result.events, [
          { header: 'EVENT', value: (e) => `#${e.originalSeq}` },
          { header: 'RETRY', value: (e) => `#${e.seq}` },
        ], { indent: 2 }));
        out.lines(unlisted(result.retried, result.events.length));
      }
      if (failed > 0) {
        out.line(`Could not send ${plural(failed, 'event')} again (their dead letters stay open):`);
        out.lines(renderTable(failures, [
          { header: 'EVENT', value: (f) => `#${f.streamSeq}` },
          { header: 'REASON', value: (f) => f.reason, max: 70 },
        ], { indent: 2 }));
        out.lines(unlisted(failed, failures.length));
      }
    });
    return failed > 0 ? EXIT.failed : EXIT.ok;
  },
};

const dismiss: Command = {
  path: ['dead-letters', 'dismiss'],
  summary: 'Mark a dead letter as dealt with by hand, so it is no longer open or retried',
  positionals: [{ name: 'id' }],
  options: [{ name: 'reason', kind: 'string', placeholder: '<text>', description: 'What was done about it (kept with the letter)' }],
  details: ['For an event whose outcome was put right outside Connector (e.g. the invoice made by hand in Zoho).'],
  examples: ['connector dead-letters dismiss 0b5e… --reason "invoice made by hand in Zoho"'],
  async run({ api, out }, args) {
    const id = args.positionals[0];
    const reason = stringOption(args, 'reason');
    const letter = await api.post<DeadLetter>(apiPath('dead-letters', id, 'dismiss'), reason === undefined ? {} : { reason });
    out.result(letter, () => out.line(`Dead letter ${id} (event #${letter.streamSeq}) dismissed.`));
    return EXIT.ok;
  },
};

/** The answer lists at most 100 events of each kind; its counts are exact. */
const unlisted = (count: number, listed: number) => (count > listed ? [`  …and ${count - listed} more`] : []);

export const deadLetterCommands = [list, retry, dismiss];
