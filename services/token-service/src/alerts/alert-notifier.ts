import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { AlertCauses } from './alert-causes';
import { AlertRetries } from './alert-retries';
import { AlertSender } from './alert-sender';

/**
 * Tells a connection's alert webhook about a problem, once per cause: `raise` sends only when the
 * cause was not already open, `clear` closes it so a later occurrence is told again. An alert the
 * webhook did not accept is tried again on a later poll (spaced by `AlertRetries`) until it is.
 * Connections without an alert webhook are skipped. Never throws for delivery problems.
 */
@Injectable()
export class AlertNotifier {
  private readonly retries: AlertRetries;

  constructor(
    private readonly causes: AlertCauses,
    private readonly sender: AlertSender,
    private readonly connections: ConnectionStore,
    @Inject(SERVICE_CONFIG) config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retries = new AlertRetries(config.ALERT_POLL_SECONDS * 1000);
  }

  /** True when an alert was sent now. */
  async raise(connection: ConnectionEntity, cause: string, text: () => string): Promise<boolean> {
    const url = this.connections.alertWebhookUrl(connection);
    if (!url || !this.due(connection.id, cause)) return false;
    // Opened before sending: two instances seeing the cause at once send one alert between them.
    if (!(await this.causes.open(connection.id, cause))) return false;
    const sent = await this.deliver(url, connection.id, cause, text());
    // Not heard means not alerted: closed again, the cause is raised anew on a later poll.
    if (!sent) await this.causes.close(connection.id, cause);
    return sent;
  }

  async clear(connectionId: string, cause: string): Promise<void> {
    await this.causes.close(connectionId, cause);
  }

  /**
   * Whether an alert of `cause` may be tried now: false for a while after the webhook refused it.
   * Callers that claim their own rows (failed orders) ask before claiming.
   */
  due(connectionId: string, cause: string): boolean {
    return this.retries.due(`${connectionId}:${cause}`);
  }

  /** Sends without cause bookkeeping, for callers that claim their own (failed orders) and undo the claim on false. */
  async send(connection: ConnectionEntity, cause: string, text: string): Promise<boolean> {
    const url = this.connections.alertWebhookUrl(connection);
    if (!url) return false;
    return this.deliver(url, connection.id, cause, text);
  }

  private async deliver(url: string, connectionId: string, cause: string, text: string): Promise<boolean> {
    const key = `${connectionId}:${cause}`;
    if (await this.sender.send(url, text, { connectionId, cause })) {
      this.retries.succeeded(key);
      return true;
    }
    const { failures, retryInMs } = this.retries.failed(key);
    this.logger.warn({ connectionId, cause, failures, retryInMs }, 'alert not delivered; it is tried again on a later poll');
    return false;
  }
}
