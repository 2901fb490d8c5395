import pino, { Logger } from 'pino';

/**
 * Every key that may carry a credential. The logger censors them wherever they appear, so a
 * careless `log.info({ connection })` cannot leak a secret into the logs.
 */
export const REDACTED_KEYS = [
  'consumerKey', 'consumerSecret', 'webhookSecret', 'clientId', 'clientSecret', 'refreshToken', 'accessToken',
  'access_token', 'refresh_token', 'client_secret', 'client_id', 'consumer_key', 'consumer_secret', 'secret',
  'authorization', 'Authorization', 'password', 'signature', 'x-wc-webhook-signature', 'token',
];

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export type { Logger } from 'pino';
