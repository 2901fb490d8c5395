import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';

/** Reads the raw variable: implicit conversion would already have turned "false" into true. */
const toBool = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  return raw === true || raw === 'true' || raw === '1';
};

/**
 * Settings every service shares, validated at boot. Each service extends this with its own.
 * Defaults make `npm start` work on a developer machine with local NATS and PostgreSQL.
 */
export class PlatformConfig {
  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\//, { message: 'NATS_URL must look like nats://host:4222' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must look like postgres://user@host:5432/db' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/connector';

  @IsString()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'NATS_STREAM may only contain letters, digits, - and _' })
  NATS_STREAM: string = 'WOO';

  @IsString()
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'NATS_SUBJECT_PREFIX must be dot-separated subject tokens' })
  NATS_SUBJECT_PREFIX: string = 'woo';

  @IsInt()
  @Min(1)
  @Max(5)
  NATS_REPLICAS: number = 1;

  /** `id:base64key[,id:base64key…]`; see README "Encryption keys". */
  @IsString({ message: 'ENCRYPTION_KEYS is required (e.g. k1:<32 random bytes, base64>)' })
  ENCRYPTION_KEYS: string;

  @IsOptional()
  @IsString()
  ENCRYPTION_KEY_ID?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** PostgreSQL connections of one instance; unset: sized from CONCURRENCY (see databasePoolSize). */
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1000)
  DB_POOL_SIZE?: number;

  /** Run pending migrations at boot (under an advisory lock). Off when a deploy job migrates. */
  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN: boolean = true;

  /** Allow http and loopback endpoints for Zoho and WooCommerce (sandbox and tests only). */
  @Transform(toBool)
  @IsBoolean()
  ALLOW_PRIVATE_ENDPOINTS: boolean = false;

  /**
   * How long a publish to the audit stream waits for JetStream's acknowledgement before it counts
   * as failed (the gateway then answers 503, so WooCommerce retries the delivery).
   */
  @IsInt()
  @Min(100)
  PUBLISH_TIMEOUT_MS: number = 5_000;

  /**
   * How long a call to another service over NATS (token, contact, items, replay) may take before
   * it fails as transient and the event is retried. Long enough for a contact or item look-up that
   * waits for its lock and Zoho's rate limit.
   */
  @IsInt()
  @Min(1_000)
  RPC_TIMEOUT_MS: number = 30_000;

  /**
   * Zoho calls one process keeps in flight per organization. Zoho answers 429 (code 1070) past 5
   * calls in flight on the free plan and 10 on paid plans, counted over everything calling that
   * organization: three services (customer-, catalog-, invoice-sync) × their instances × this
   * should stay within it. 3 keeps one instance of each under a paid plan's 10; use 1 on a free
   * plan or with several instances.
   */
  @IsInt()
  @Min(1)
  @Max(10)
  ZOHO_MAX_CALLS_IN_FLIGHT: number = 3;
}

export { toBool };
