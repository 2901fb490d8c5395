import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Re-activations the sweep notes in the audit trail (`audit_entries`, action `reactivate-webhook`). */
@Injectable()
export class WebhookReactivations {
  constructor(private readonly dataSource: DataSource) {}

  /** How often the sweep re-activated this webhook in the last 24 hours. */
  async inLastDay(connectionId: string, webhookId: number): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_entries
        WHERE connection_id = $1 AND resource = 'webhook' AND resource_id = $2 AND action = 'reactivate-webhook' AND outcome = 'ok'
          AND created_at > now() - interval '1 day'`,
      [connectionId, String(webhookId)],
    );
    return row?.n ?? 0;
  }
}
