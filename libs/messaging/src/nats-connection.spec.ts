import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './nats-connection';

test('redactUrl hides the credentials of every server in NATS_URL, and nothing else', () => {
  const cases: Array<[string, string]> = [
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
    ['nats://user:p4ss@nats:4222', 'nats://***@nats:4222'],
    ['nats://s3cr3t-token@nats:4222', 'nats://***@nats:4222'],
    ['nats://user@nats:4222', 'nats://***@nats:4222'],
    ['nats://user:p%40ss@nats:4222', 'nats://***@nats:4222'],
    ['nats://a:pw1@nats-0:4222,nats://a:pw2@nats-1:4222, tls://tok@nats-2:4222', 'nats://***@nats-0:4222,nats://***@nats-1:4222, tls://***@nats-2:4222'],
    ['nats://nats-0:4222,nats://tok@nats-1:4222', 'nats://nats-0:4222,nats://***@nats-1:4222'],
    ['user:pw@nats:4222', '***@nats:4222'],
    ['nats://us@er:p@ss@nats:4222', 'nats://***@nats:4222'],
  ];
  for (const [url, printed] of cases) assert.equal(redactUrl(url), printed, url);
});
