import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { field } from '../forms.js';
import { badge, busy, button, errorNotice, notice } from '../ui.js';

const RESOURCES = [['', 'Everything'], ['order', 'Orders'], ['customer', 'Customers'], ['product', 'Products']];

/**
 * Replay: send recorded events through the services again, from a stream sequence or a time.
 * A dry run first counts what would be replayed; its result offers the real run with the same
 * settings, so the two cannot drift apart.
 */
export function replayPanel(connectionId, signal) {
  const from = h('select', { name: 'from' }, h('option', { value: 'seq' }, 'Event number'), h('option', { value: 'time' }, 'Date and time'));
  const fromSeq = h('input', { name: 'fromSeq', type: 'number', min: '1', step: '1', value: '1', inputmode: 'numeric' });
  const fromTime = h('input', { name: 'fromTime', type: 'datetime-local' });
  const seqField = field('First event number', fromSeq, 'Event numbers are shown on the Events page.');
  const timeField = field('From', fromTime, 'Your local time.');
  timeField.hidden = true;
  from.addEventListener('change', () => {
    seqField.hidden = from.value !== 'seq';
    timeField.hidden = from.value !== 'time';
  });
  const resource = h('select', { name: 'resource' }, RESOURCES.map(([value, label]) => h('option', { value }, label)));
  const dryRun = h('input', { type: 'checkbox', name: 'dryRun', checked: true, id: 'replay-dry-run' });
  const output = h('div', { class: 'stack', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit', class: 'button primary' }, 'Start replay');

  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { dryRun: dryRun.checked };
        if (from.value === 'seq') {
          const seq = Number(fromSeq.value);
          if (!Number.isInteger(seq) || seq < 1) return replace(output, notice('bad', null, 'Enter an event number of 1 or more.'));
          body.fromSeq = seq;
        } else {
          const time = new Date(fromTime.value);
          if (!fromTime.value || Number.isNaN(time.getTime())) return replace(output, notice('bad', null, 'Choose the date and time to replay from.'));
          body.fromTime = time.toISOString();
        }
        if (resource.value) body.resource = resource.value;
        await busy(start, () => run(body));
      },
    },
    h('div', { class: 'field-row' }, field('Start from', from), seqField, timeField, field('Events', resource)),
    h('div', { class: 'check' }, dryRun, h('label', { for: 'replay-dry-run' }, 'Dry run: only count what would be replayed')),
    h('div', { class: 'card-actions' }, start),
  );

  async function run(body) {
    replace(output);
    try {
      const { replayId } = await api(`/api/connections/${seg(connectionId)}/replay`, { method: 'POST', body, signal });
      const progress = jobProgress(`/api/replays/${seg(replayId)}`, signal, body.dryRun ? 'Dry run' : 'Replay');
      replace(output, progress.element);
      const final = await progress.done;
      if (body.dryRun && final) {
        const real = button(`Replay ${count(final.total ?? final.processed ?? 0)} events now`, () => busy(real, () => run({ ...body, dryRun: false })), { tone: 'primary' });
        output.append(h('div', { class: 'card-actions' }, real));
      }
    } catch (error) {
      if (error.name !== 'AbortError') replace(output, errorNotice(error, 'The replay did not start'));
    }
  }

  return h('section', { class: 'card', 'aria-labelledby': 'replay-title' },
    h('h2', { id: 'replay-title' }, 'Replay events'),
    h('p', { class: 'muted small' }, 'Sends recorded deliveries through the services again, for example after fixing a mapping. Invoices are matched by order, so nothing is created twice.'),
    form, output);
}

/** Backfill: read orders changed since a date from the store itself (for webhooks that never arrived). */
export function backfillPanel(connectionId, signal) {
  const since = h('input', { name: 'since', type: 'date', required: true });
  const output = h('div', { class: 'stack', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit', class: 'button primary' }, 'Start backfill');
  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!since.value) return replace(output, notice('bad', null, 'Choose the date to fetch orders from.'));
        await busy(start, async () => {
          replace(output);
          try {
            // Midnight of the chosen day in the user's time zone, sent as an absolute instant.
            const { jobId } = await api(`/api/connections/${seg(connectionId)}/backfill`, { method: 'POST', body: { since: new Date(`${since.value}T00:00`).toISOString() }, signal });
            const progress = jobProgress(`/api/backfills/${seg(jobId)}`, signal, 'Backfill');
            replace(output, progress.element);
            await progress.done;
          } catch (error) {
            if (error.name !== 'AbortError') replace(output, errorNotice(error, 'The backfill did not start'));
          }
        });
      },
    },
    h('div', { class: 'field-row' }, field('Orders changed since', since)),
    h('div', { class: 'card-actions' }, start),
  );
  return h('section', { class: 'card', 'aria-labelledby': 'backfill-title' },
    h('h2', { id: 'backfill-title' }, 'Backfill from the store'),
    h('p', { class: 'muted small' }, 'Reads orders from WooCommerce directly, for times when webhooks were not delivered.'),
    form, output);
}

/**
 * Follows a job (`{ processed, total, done, failures }`) once a second until it is done.
 * `done` resolves with the final state (or null when the page was left).
 */
function jobProgress(url, signal, label) {
  const bar = h('progress', { max: '1', value: '0', 'aria-label': `${label} progress` });
  const text = h('p', { class: 'small' }, 'Starting…');
  const problems = h('div');
  const element = h('div', { class: 'job' }, bar, text, problems);

  const done = (async () => {
    for (;;) {
      let job;
      try {
        job = await api(url, { signal });
      } catch (error) {
        if (error.name === 'AbortError') return null;
        replace(problems, errorNotice(error, `The ${label.toLowerCase()} status could not be read`));
        return null;
      }
      const total = Number(job.total ?? 0);
      const processed = Number(job.processed ?? 0);
      if (total > 0) {
        bar.max = total;
        bar.value = Math.min(processed, total);
      } else if (!job.done) bar.removeAttribute('value'); // unknown total: an indeterminate bar
      const failures = failureList(job.failures);
      text.replaceChildren(
        job.done ? badge('Finished', failures.count ? 'warn' : 'ok') : badge('Running', 'info'),
        ` ${label}: ${count(processed)}${total ? ` of ${count(total)}` : ''} event${(total || processed) === 1 ? '' : 's'} ${job.done ? 'processed' : 'so far'}`,
        failures.count ? `, ${count(failures.count)} failed.` : '.',
      );
      replace(problems, failures.list);
      if (job.done) {
        if (!total) bar.value = bar.max = 1;
        return job;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (signal.aborted) return null;
    }
  })();
  return { element, done };
}

/** `failures` may be a count or a list of `{ seq, reason }`-like records; both are shown. */
function failureList(failures) {
  if (typeof failures === 'number') return { count: failures, list: null };
  if (!Array.isArray(failures) || !failures.length) return { count: 0, list: null };
  return {
    count: failures.length,
    list: h('ul', { class: 'plain problems' }, failures.slice(0, 50).map((f) =>
      h('li', null, typeof f === 'object' && f ? [f.seq ? h('code', null, `#${f.seq} `) : null, f.reason ?? f.error ?? f.message ?? JSON.stringify(f)] : String(f)))),
  };
}
