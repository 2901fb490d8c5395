import { Inject, Injectable } from '@nestjs/common';
import { describeError, Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { alertUrlHost, alertUrlProblem } from './alert-url';

const TIMEOUT_MS = 10_000;

/**
 * Posts `{"text": …}` (Slack's incoming-webhook shape, understood by Mattermost, Teams workflows,
 * Discord's /slack endpoint and most chat tools) to an alert URL. Never throws: an alert that cannot
 * be delivered is logged (host only, never the URL) and must not break the sweep or poll that sent it.
 */
@Injectable()
export class AlertSender {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(url: string, text: string, context: { connectionId: string; cause: string }): Promise<boolean> {
    const log = { ...context, host: alertUrlHost(url) };
    const problem = alertUrlProblem(url, this.config.ALLOW_PRIVATE_ENDPOINTS);
    if (problem) {
      this.logger.warn(log, `alert not sent: ${problem}`);
      return false;
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Connector alerts' },
        body: JSON.stringify({ text }),
        // A redirect could lead anywhere, including private addresses the check above refused.
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
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
