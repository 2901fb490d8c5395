import type { Logger } from '@connector/common';
import { describeError } from '@connector/common';

/**
 * Runs `work` every `intervalMs`, never two runs at once (a slow run delays the next instead of
 * piling up), and lets shutdown wait for the run in progress. A failing run is logged; the next
 * one still comes.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(firstDelayMs = this.intervalMs): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.work()
        .catch((error) => this.logger.error({ task: this.name, err: describeError(error) }, `${this.name} failed`))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    // A pending tick must not keep a process alive that is otherwise done.
    this.timer.unref();
  }
}
