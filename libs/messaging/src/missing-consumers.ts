/**
 * Durable consumers that this process's transports found gone (deleted, or lost with their stream,
 * e.g. NATS restarted on an empty store) and have not got back yet. While one is listed its service
 * receives no events, so readiness reports it. Kept by the pull loops as they go: reading it costs
 * no call to NATS.
 */
export class MissingConsumers {
  private readonly missing = new Map<string, { stream: string; durable: string; since: Date }>();

  mark(stream: string, durable: string): void {
    const key = `${stream}/${durable}`;
    if (!this.missing.has(key)) this.missing.set(key, { stream, durable, since: new Date() });
  }

  clear(stream: string, durable: string): void {
    this.missing.delete(`${stream}/${durable}`);
  }

  list(): Array<{ stream: string; durable: string; since: Date }> {
    return [...this.missing.values()];
  }
}

/** One per process: the transports write it, the health controller reads it. */
export const missingConsumers = new MissingConsumers();
