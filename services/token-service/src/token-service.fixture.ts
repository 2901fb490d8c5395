import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { TestDatabase, TestTopology, testEncryptionKeys } from '@connector/testing';
import { startTokenService } from './main';

/** The admin token the test token-services accept unless a test gives its own. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/**
 * A token-service for one test file: its own database and topology, a free loopback port, private
 * endpoints allowed (the fakes listen on loopback), logs off. `env` adds or overrides settings.
 */
export async function startTestTokenService(db: TestDatabase, topo: TestTopology, env: Record<string, string> = {}): Promise<{ app: INestApplication; base: string }> {
  const app = await startTokenService({
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    DATABASE_URL: db.url,
    NATS_STREAM: topo.topology.stream,
    NATS_SUBJECT_PREFIX: topo.topology.subjectPrefix,
    ENCRYPTION_KEYS: testEncryptionKeys(),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ADMIN_PORT: '0',
    ADMIN_HOST: '127.0.0.1',
    ALLOW_PRIVATE_ENDPOINTS: 'true',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

/** What the admin API answered: the status, the body as sent and, when there is one, parsed. */
export interface AdminAnswer {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the shape it expects
  json: any;
}

/** Calls a test token-service's admin API as an operator would: JSON with the bearer token. */
export function adminApi(base: string, token = TEST_ADMIN_TOKEN): (method: string, path: string, body?: unknown) => Promise<AdminAnswer> {
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };
}

/**
 * A connection whose store is never called (port 9 on loopback) to a fake Zoho authorization, for
 * the tests of Zoho tokens; its id.
 */
export async function createZohoOnlyConnection(
  base: string, name: string, zoho: { clientId: string; clientSecret: string; refreshToken: string; accountsUrl: string },
): Promise<string> {
  const created = await adminApi(base)('POST', '/api/connections', {
    name,
    woocommerce: { url: 'http://127.0.0.1:9/shop/', consumerKey: 'ck_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', consumerSecret: 'cs_zoho_only_secret_value_012345' },
    zoho,
  });
  if (created.status !== 201) throw new Error(`connection not created: ${created.status} ${created.text}`);
  return created.json.id;
}

/** An alert webhook receiver (Slack-style `{"text": …}` POSTs), collecting each alert's text. */
export interface AlertReceiver {
  texts: string[];
  /** The receiver's URL with this path: a connection's `settings.alertWebhookUrl`. */
  url(path: string): string;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const texts: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      texts.push((JSON.parse(Buffer.concat(chunks).toString()) as { text: string }).text);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    texts,
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
