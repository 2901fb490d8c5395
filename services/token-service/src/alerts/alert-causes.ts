import { DataSource } from 'typeorm';

/**
 * Alert causes currently open per connection (`alert_causes`). Opening is atomic across instances,
 * so a cause is alerted exactly once while it lasts; closing it lets the next occurrence alert again.
 */
export class AlertCauses {
  constructor(private readonly dataSource: DataSource) {}

  /** True when the cause was not open before (the caller alerts now). */
  async open(connectionId: string, cause: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO alert_causes (connection_id, cause) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [connectionId, cause],
    );
    return rows.length > 0;
  }

  async close(connectionId: string, cause: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM alert_causes WHERE connection_id = $1 AND cause = $2`, [connectionId, cause]);
  }

  /** Closes every cause starting with `prefix` except `keep` (e.g. yesterday's quota alert). */
  async closeFamily(connectionId: string, prefix: string, keep?: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM alert_causes WHERE connection_id = $1 AND starts_with(cause, $2) AND cause IS DISTINCT FROM $3`,
      [connectionId, prefix, keep ?? null],
    );
  }
}
