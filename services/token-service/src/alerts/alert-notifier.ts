import { Injectable } from '@nestjs/common';
import { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { AlertCauses } from './alert-causes';
import { AlertSender } from './alert-sender';

/**
 * Tells a connection's alert webhook about a problem, once per cause: `raise` sends only when the
 * cause was not already open, `clear` closes it so a later occurrence is told again. Connections
 * without an alert webhook are skipped. Never throws for delivery problems (they are logged).
 */
@Injectable()
export class AlertNotifier {
  constructor(
    private readonly causes: AlertCauses,
    private readonly sender: AlertSender,
    private readonly connections: ConnectionStore,
  ) {}

  /** True when an alert was sent now. */
  async raise(connection: ConnectionEntity, cause: string, text: () => string): Promise<boolean> {
    const url = this.connections.alertWebhookUrl(connection);
    if (!url) return false;
    // Opened before sending: two instances seeing the cause at once send one alert between them.
    if (!(await this.causes.open(connection.id, cause))) return false;
    return this.sender.send(url, text(), { connectionId: connection.id, cause });
  }

  async clear(connectionId: string, cause: string): Promise<void> {
    await this.causes.close(connectionId, cause);
  }

  /** Sends without cause bookkeeping, for callers that claim their own (failed orders). */
  async send(connection: ConnectionEntity, cause: string, text: string): Promise<boolean> {
    const url = this.connections.alertWebhookUrl(connection);
    if (!url) return false;
    return this.sender.send(url, text, { connectionId: connection.id, cause });
  }
}
