import type { ApiClient } from './api-client';
import type { JobProgress } from './api-types';
import { ApiError, CliError, EXIT, onNewerRoute } from './errors';
import { cellText, Output, ProgressBar } from './output';

const DEFAULT_POLL_INTERVAL_MS = 1000;
const SIGINT_EXIT_CODE = 130;

/** Starts a server-side job (replay, backfill), a route older token-services lack. */
export async function startJob<T>(api: ApiClient, path: string, body: unknown, what: string): Promise<T> {
  return onNewerRoute(what, () => api.post<T>(path, body));
}

export interface FollowOptions {
  /** `replay` or `backfill`: labels the bar and the messages. */
  what: string;
  jobId: string;
  progressPath: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Polls the job's progress until it reports done, drawing a bar on stderr. Ctrl-C stops following
 * only: the job runs on the server, so the message says so and names it.
 */
export async function followJob(api: ApiClient, out: Output, options: FollowOptions): Promise<JobProgress> {
  const bar = new ProgressBar(out.stderr, options.what);
  const interval = pollInterval(options.env);
  const onInterrupt = () => {
    bar.clear();
    out.note(`connector: stopped following; ${options.what} ${options.jobId} keeps running on the server`);
    process.exit(SIGINT_EXIT_CODE);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const progress = await readProgress(api, options);
      bar.update(progress.processed, progress.total);
      if (progress.done) return progress;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    bar.clear();
  }
}

async function readProgress(api: ApiClient, options: FollowOptions): Promise<JobProgress> {
  try {
    return await api.get<JobProgress>(options.progressPath);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const hint =
      error instanceof ApiError && error.isMissingRoute
        ? `this admin API cannot report ${options.what} progress (${error.method} ${error.path} answered 404); update token-service`
        : error.message;
    throw new CliError(`${hint}; ${options.what} ${options.jobId} may still be running on the server`, error.exitCode);
  }
}

export function failureCount(progress: JobProgress): number {
  return Array.isArray(progress.failures) ? progress.failures.length : Number(progress.failures ?? 0);
}

/** The failure entries, when the server lists them, one readable line each. */
export function failureLines(progress: JobProgress): string[] {
  if (!Array.isArray(progress.failures)) return [];
  return progress.failures.map((failure) => {
    if (failure === null || typeof failure !== 'object') return `  ${cellText(failure as string)}`;
    const fields = Object.entries(failure as Record<string, unknown>)
      .filter(([, value]) => value !== null && typeof value !== 'object')
      .map(([key, value]) => `${key}=${String(value)}`);
    return `  ${cellText(fields.join(' '), 160)}`;
  });
}

/** Tests and impatient operators shorten the poll interval; the default is gentle on the server. */
function pollInterval(env: NodeJS.ProcessEnv): number {
  const value = Number(env.CONNECTOR_POLL_INTERVAL_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_POLL_INTERVAL_MS;
}
