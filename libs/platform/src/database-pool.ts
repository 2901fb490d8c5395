import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import type { PlatformConfig } from './platform.config';

/**
 * The size of each instance's PostgreSQL pool: the one place that decides it. An event in hand
 * holds one pooled connection for the whole of its work (its order's, email's or SKU's advisory
 * lock lives in that session) while its own queries need others, so a pool no larger than the
 * events in hand starves: every connection waits on a lock and nobody can query (CONCURRENCY=16
 * with the former fixed pool of 10 invoiced nothing).
 */

/** Connections beyond the event slots: RPC answers, the rate limiter, health checks, metrics. */
const POOL_HEADROOM = 4;

/** The pool of services without event slots, and the floor for small CONCURRENCY settings. */
const BASE_POOL_SIZE = 10;

/** DB_POOL_SIZE when set, else two connections per event slot plus headroom (at least 10). */
export function databasePoolSize(config: PlatformConfig & { CONCURRENCY?: number }): number {
  if (config.DB_POOL_SIZE !== undefined) return config.DB_POOL_SIZE;
  if (config.CONCURRENCY === undefined) return BASE_POOL_SIZE;
  return Math.max(BASE_POOL_SIZE, 2 * config.CONCURRENCY + POOL_HEADROOM);
}

/** The smallest pool in which every event slot may hold a lock and the others can still query. */
function minimumPoolSize(concurrency: number): number {
  return concurrency + POOL_HEADROOM;
}

/** Boot check of an explicit DB_POOL_SIZE against CONCURRENCY (on the CONCURRENCY setting). */
@ValidatorConstraint({ name: 'poolFitsConcurrency' })
export class PoolFitsConcurrency implements ValidatorConstraintInterface {
  validate(concurrency: unknown, args: ValidationArguments): boolean {
    const { DB_POOL_SIZE } = args.object as PlatformConfig;
    return DB_POOL_SIZE === undefined || typeof concurrency !== 'number' || DB_POOL_SIZE >= minimumPoolSize(concurrency);
  }

  defaultMessage(args: ValidationArguments): string {
    const concurrency = args.value as number;
    return `CONCURRENCY=${concurrency} needs DB_POOL_SIZE of at least ${minimumPoolSize(concurrency)} (each event in hand may hold a connection for its lock, plus ${POOL_HEADROOM} for queries); leave DB_POOL_SIZE unset to size the pool from CONCURRENCY`;
  }
}
