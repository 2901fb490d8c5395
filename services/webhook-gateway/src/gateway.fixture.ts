import { createHmac } from 'node:crypto';
import { KeyRing, SecretBox } from '@connector/crypto';
import { ConnectionStore } from '@connector/persistence';
import { createTestDatabase, createTestTopology, testEncryptionKeys, wooFixture } from '@connector/testing';

/** Shared by the gateway's integration tests: a test database and stream, one connection, signed deliveries. */
export const orderFixture = () => wooFixture('order');

export function sign(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export function wooHeaders(topic: string, signature?: string): Record<string, string> {
  const [resource, event] = topic.split('.');
  return {
    'content-type': 'application/json',
    'user-agent': 'WooCommerce/11.3.0 Hookshot (WordPress/6.8)',
    'x-wc-webhook-source': 'https://shop.example.com/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource,
    'x-wc-webhook-event': event,
    'x-wc-webhook-id': '17',
    'x-wc-webhook-delivery-id': '819f8a1cf99ff2ddece436469ee0dcdc',
    ...(signature ? { 'x-wc-webhook-signature': signature } : {}),
  };
}

/** Against the shared servers unless the test brings its own NATS or PostgreSQL (to stop it). */
export async function gatewayFixture(natsUrl?: string, postgresUrl?: string) {
  const db = await createTestDatabase(undefined, postgresUrl);
  const topo = await createTestTopology(natsUrl);
  const keys = testEncryptionKeys();
  const env = {
    NATS_URL: natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    DATABASE_URL: db.url,
    NATS_STREAM: topo.topology.stream,
    NATS_SUBJECT_PREFIX: topo.topology.subjectPrefix,
    ENCRYPTION_KEYS: keys,
    GATEWAY_PORT: '0',
    GATEWAY_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MAX_BODY_BYTES: '200000',
    PUBLISH_TIMEOUT_MS: '1500',
  };
  const store = new ConnectionStore(db.dataSource, new SecretBox(KeyRing.parse(keys)));
  const secret = 'wh-secret &amp; more';
  const connection = await store.create({
    name: 'Test store',
    storeUrl: 'https://shop.example.com',
    woo: { consumerKey: 'ck_x', consumerSecret: 'cs_x' },
    webhookSecret: secret,
    zohoAccountsUrl: 'https://accounts.zoho.com',
    zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
  });
  return { db, topo, env, connection, secret, store };
}
