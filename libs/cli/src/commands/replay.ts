import { apiPath } from '../api-client';
import { flagOption, integerOption, stringOption } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { failureCount, failureLines, followJob, startJob } from '../job-progress';

export const replay: Command = {
  path: ['replay'],
  summary: "Run a connection's recorded deliveries from the audit stream through the pipeline again",
  positionals: [{ name: 'connectionId' }],
  options: [
    { name: 'from-seq', kind: 'integer', placeholder: '<n>', description: 'Start at this audit stream sequence' },
    { name: 'from-time', kind: 'string', placeholder: '<iso-time>', description: 'Start at deliveries recorded at or after this time' },
    { name: 'resource', kind: 'string', placeholder: '<resource>', description: 'Only this resource: order, customer or product' },
    { name: 'dry-run', kind: 'boolean', description: 'Count what would be replayed without publishing anything' },
  ],
  details: [
    'Progress is drawn on stderr. Handlers are idempotent, so replaying events that already',
    'succeeded changes nothing. Exits 1 when some events failed.',
  ],
  examples: ['connector replay 6f1c… --from-seq 1200 --dry-run', 'connector replay 6f1c… --from-time 2026-01-05T00:00:00Z --resource order'],
  async run({ api, out, env }, args) {
    const connectionId = args.positionals[0];
    const fromTime = stringOption(args, 'from-time');
    if (fromTime !== undefined && Number.isNaN(Date.parse(fromTime))) {
      throw new UsageError(`--from-time must be a date or ISO time, not "${fromTime}"`, 'replay');
    }
    const dryRun = flagOption(args, 'dry-run');
    const { replayId } = await startJob<{ replayId: string }>(
      api,
      apiPath('connections', connectionId, 'replay'),
      { fromSeq: integerOption(args, 'from-seq'), fromTime, resource: stringOption(args, 'resource'), dryRun },
      'replays',
    );
    out.note(`${dryRun ? 'dry run' : 'replay'} ${replayId} started`);
    const progress = await followJob(api, out, { what: 'replay', jobId: replayId, progressPath: apiPath('replays', replayId), env });
    const failures = failureCount(progress);

    out.result({ replayId, dryRun, ...progress }, () => {
      out.line(
        dryRun
          ? `Dry run ${replayId}: ${progress.processed} events examined, ${progress.plannedCount ?? 0} Zoho writes would be made; nothing was written.`
          : `Replay ${replayId}: ${progress.processed} of ${progress.total ?? progress.processed} events replayed, ${failures} failed.`,
      );
      out.lines(failureLines(progress));
      out.lines((progress.errors ?? []).map((error) => `  ${error}`));
    });
    return failures > 0 || progress.status === 'failed' ? EXIT.failed : EXIT.ok;
  },
};
