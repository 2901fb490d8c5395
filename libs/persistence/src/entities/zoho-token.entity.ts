import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The cached Zoho access token of a connection, shared by every token-service instance. Zoho
 * mints at most 10 access tokens per refresh token per 10 minutes, so instances must reuse this
 * row instead of refreshing on their own; `mintedAt` keeps the recent mint times to stay under it.
 */
@Entity({ name: 'zoho_tokens' })
export class ZohoTokenEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  /** Sealed access token. */
  @Column({ name: 'access_token', type: 'text' })
  accessToken: string;

  @Column({ name: 'api_domain', type: 'text' })
  apiDomain: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'minted_at', type: 'jsonb', default: () => `'[]'::jsonb` })
  mintedAt: string[];

  /** Zoho refused this token right after it was minted: a scope or access problem (see ZohoTokenManager.invalidate). */
  @Column({ name: 'refused_fresh_at', type: 'timestamptz', nullable: true })
  refusedFreshAt: Date | null;

  /** Zoho's accounts server throttles this connection's refreshes until then (see ZohoTokenManager.refreshUnderLock). */
  @Column({ name: 'refresh_blocked_until', type: 'timestamptz', nullable: true })
  refreshBlockedUntil: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
