import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { PlatformConfig } from '@connector/platform';

export class TokenServiceConfig extends PlatformConfig {
  /** Admin API port (0 picks a free port, for tests). */
  @IsInt()
  @Min(0)
  @Max(65535)
  ADMIN_PORT: number = 3001;

  @IsOptional()
  @IsString()
  ADMIN_HOST?: string;

  /** Bearer token of the admin API. */
  @IsString({ message: 'ADMIN_TOKEN is required (a long random string)' })
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN: string;

  /** Public base URL of the webhook gateway, used for the webhook URLs given to stores. */
  @IsString()
  @Matches(/^https?:\/\/[^/]+/, { message: 'PUBLIC_URL must be an http(s) URL such as https://connector.example.com' })
  PUBLIC_URL: string = 'http://127.0.0.1:3000';

  /** Refresh a Zoho access token this many seconds before it expires. */
  @IsInt()
  @Min(0)
  @Max(3000)
  TOKEN_REFRESH_MARGIN_SECONDS: number = 300;

  /** Seconds between reconciliation sweeps of each connection (REST read of recent changes); 0 turns them off. */
  @IsInt()
  @Min(0)
  @Max(86_400)
  RECONCILE_INTERVAL_SECONDS: number = 300;

  /** Orders a backfill hands to the pipeline per minute, leaving the rest of Zoho's 100/min to live orders. */
  @IsInt()
  @Min(1)
  @Max(6_000)
  BACKFILL_EVENTS_PER_MINUTE: number = 30;

  /** Seconds between checks for alert causes (failed orders, re-authorization, Zoho quota). */
  @IsInt()
  @Min(1)
  @Max(3_600)
  ALERT_POLL_SECONDS: number = 60;
}
