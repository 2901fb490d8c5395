/** Which requests a fault applies to. Every field is optional; an empty match applies to all. */
export interface FaultMatch {
  method?: string;
  /** Compared with the request path; for Zoho both `/invoices` and `/books/v3/invoices` work. */
  pathPrefix?: string;
  /** Compared with the end of the path, for an action on any one record (`/status/sent`). */
  pathSuffix?: string;
}

/** A response injected instead of the real one. */
export interface InjectedFault {
  status: number;
  /** Service-specific error code in the body (Zoho: numeric `code`; defaults depend on status). */
  code?: number | string;
  message?: string;
  /** Adds `Retry-After: <seconds>` to the response. */
  retryAfterSeconds?: number;
  match?: FaultMatch;
}

export type LatencySpec = number | { min: number; max: number };

interface QueuedFault {
  remaining: number;
  fault: InjectedFault;
}

interface LostResponseRule {
  remaining: number;
  match: FaultMatch;
}

/**
 * Faults for tests and benchmarks: extra latency on every call, the next N matching calls
 * answered with an error, and "lost responses" (the request takes effect but the connection is
 * destroyed before the answer, as when a proxy or network drops it after the commit).
 */
export class FaultPlan {
  private latencySpec: LatencySpec = 0;
  private queued: QueuedFault[] = [];
  private lost: LostResponseRule[] = [];

  constructor(private readonly pathAliases: (path: string) => string[] = (path) => [path]) {}

  /** Adds this latency (or a uniformly random one in [min, max]) to every call. 0 turns it off. */
  latency(spec: LatencySpec): void {
    this.latencySpec = spec;
  }

  /** The next `count` calls that match answer with `fault` instead of being processed. */
  next(count: number, fault: InjectedFault): void {
    if (count > 0) this.queued.push({ remaining: count, fault });
  }

  /** The next `count` matching calls are processed, then their connection is destroyed unanswered. */
  loseResponseAfterCommit(match: FaultMatch = {}, count = 1): void {
    if (count > 0) this.lost.push({ remaining: count, match });
  }

  clear(): void {
    this.latencySpec = 0;
    this.queued = [];
    this.lost = [];
  }

  latencyMs(): number {
    const spec = this.latencySpec;
    if (typeof spec === 'number') return spec;
    return spec.min + Math.random() * Math.max(0, spec.max - spec.min);
  }

  /** Consumes and returns the first queued fault matching this call, if any. */
  takeInjected(method: string, path: string): InjectedFault | undefined {
    const entry = this.queued.find((q) => this.matches(q.fault.match ?? {}, method, path));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queued.splice(this.queued.indexOf(entry), 1);
    return entry.fault;
  }

  /** Consumes one lost-response rule matching this call; true if the response must be dropped. */
  takeLostResponse(method: string, path: string): boolean {
    const entry = this.lost.find((rule) => this.matches(rule.match, method, path));
    if (!entry) return false;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.lost.splice(this.lost.indexOf(entry), 1);
    return true;
  }

  private matches(match: FaultMatch, method: string, path: string): boolean {
    if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
    if (match.pathSuffix !== undefined && !path.endsWith(match.pathSuffix)) return false;
    if (match.pathPrefix === undefined) return true;
    const prefix = match.pathPrefix;
    return this.pathAliases(path).some((candidate) => candidate.startsWith(prefix));
  }
}
