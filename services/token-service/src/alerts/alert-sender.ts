import { Inject, Injectable, Optional } from '@nestjs/common';
import { describeError, httpExchange, type HttpExchange, Logger, publicHttpExchange, TransientError } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { alertUrlHost, alertUrlProblem } from './alert-url';

const TIMEOUT_MS = 10_000;

/** Replaces the exchange AlertSender picks from ALLOW_PRIVATE_ENDPOINTS; tests give one with a stub resolver. */
export const ALERT_HTTP_EXCHANGE = Symbol('ALERT_HTTP_EXCHANGE');

/**
 * Posts `{"text": …}` (Slack's incoming-webhook shape, understood by Mattermost, Teams workflows,
 * Discord's /slack endpoint and most chat tools) to an alert URL. Never throws: an alert that cannot
 * be delivered is logged (host only, never the URL) and must not break the sweep or poll that sent it.
 * Unless private endpoints are allowed, the URL's name must resolve to public addresses only, checked
 * as the connection opens: `alertUrlProblem` sees only the URL as written.
 */
@Injectable()
export class AlertSender {
  private readonly exchange: HttpExchange;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(ALERT_HTTP_EXCHANGE) exchange?: HttpExchange,
  ) {
    this.exchange = exchange ?? (config.ALLOW_PRIVATE_ENDPOINTS ? httpExchange : publicHttpExchange);
  }

  async send(url: string, text: string, context: { connectionId: string; cause: string }): Promise<boolean> {
    const log = { ...context, host: alertUrlHost(url) };
    const problem = alertUrlProblem(url, this.config.ALLOW_PRIVATE_ENDPOINTS);
    if (problem) {
      this.logger.warn(log, `alert not sent: ${problem}`);
      return false;
    }
    try {
      // Redirects are not followed: one could lead anywhere, including private addresses.
      const response = await this.exchange(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Connector alerts' }, body: JSON.stringify({ text }) },
        TIMEOUT_MS,
        'alert',
        (message, options) => new TransientError(message, options),
      );
      if (response.status < 200 || response.status >= 300) {
        this.logger.warn({ ...log, status: response.status }, 'alert not accepted by the alert webhook');
        return false;
      }
      this.logger.info(log, 'alert sent');
      return true;
    } catch (error) {
      this.logger.warn({ ...log, err: describeError(error) }, 'alert could not be delivered');
      return false;
    }
  }
}
