import { apiPath } from '../api-client';
import { stringOption } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { failureCount, failureLines, followJob, startJob } from '../job-progress';

export const backfill: Command = {
  path: ['backfill'],
  summary: 'Import store orders changed since a date that never arrived as webhooks',
  positionals: [{ name: 'connectionId' }],
  options: [
    { name: 'since', kind: 'string', required: true, placeholder: '<date>', description: 'First day to import, e.g. 2026-01-01 (or an ISO time)' },
  ],
  details: ['Progress is drawn on stderr. Orders already in step are left alone. Exits 1 when some failed.'],
  examples: ['connector backfill 6f1c… --since 2026-01-01'],
  async run({ api, out, env }, args) {
    const connectionId = args.positionals[0];
    const since = stringOption(args, 'since') as string;
    if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(Date.parse(since))) {
      throw new UsageError(`--since must be a date like 2026-01-01, not "${since}"`, 'backfill');
    }
    const { jobId } = await startJob<{ jobId: string }>(api, apiPath('connections', connectionId, 'backfill'), { since }, 'backfills');
    out.note(`backfill ${jobId} started`);
    const progress = await followJob(api, out, { what: 'backfill', jobId, progressPath: apiPath('backfills', jobId), env });
    const failures = failureCount(progress);

    out.result({ jobId, since, ...progress }, () => {
      out.line(`Backfill ${jobId} since ${since}: ${progress.processed} of ${progress.total ?? progress.processed} processed, ${failures} failed.`);
      out.lines(failureLines(progress));
    });
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
};
