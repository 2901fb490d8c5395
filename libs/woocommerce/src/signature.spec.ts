import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeWebhookSignature, verifiedWebhookDigest, verifyWebhookSignature, webhookSigningKey } from './signature';

describe('webhook signature', () => {
  // Vectors from specs/woocommerce.md §1.2 (computed with Python's hmac module).
  const vectors: Array<[string, string, string]> = [
    ['{"id":123}', 'secret', 'OeBtbEIAz+EnjWhU3WkE+GpE4e/Cu0Fl+JGceISoR9I='],
    ['{"id":727,"permalink":"https:\\/\\/example.com\\/"}', 'my-secret', 'lAUCGr4ZY/tWUwn17l5VsRy74+q5Wn1gzZJ+/+V/LHE='],
  ];

  it('matches the spec vectors', () => {
    for (const [body, secret, signature] of vectors) {
      assert.equal(computeWebhookSignature(Buffer.from(body), secret), signature);
      assert.equal(verifyWebhookSignature(Buffer.from(body), signature, secret), true);
    }
  });

  it('signs with the secret HTML-entity-decoded, as wp_specialchars_decode does', () => {
    // Python: base64(hmac(b"a&b<c>\"d'e", b'{"id":727}', sha256))
    const stored = 'a&amp;b&lt;c&gt;&quot;d&#039;e';
    assert.equal(computeWebhookSignature(Buffer.from('{"id":727}'), stored), 'I0RMy2egPfA1M6bdzjkYBlQq28UqhgKBpW4Js+BM618=');
  });

  it('decodes each entity form once, like WordPress', () => {
    assert.equal(webhookSigningKey('&#39;&#0039;&#x27;&#X27;&#34;&#x22;&#60;&#62;&#38;&#x26;'), `'''\'""<>&&`);
    assert.equal(webhookSigningKey('&amp;lt;'), '&lt;');
    assert.equal(webhookSigningKey('&AMP;&nbsp;&apos;&#65;'), '&AMP;&nbsp;&apos;&#65;');
    assert.equal(webhookSigningKey('no entities'), 'no entities');
  });

  it('hashes the exact bytes, not re-serialized JSON', () => {
    const [body, secret, signature] = vectors[1]!;
    const reserialized = JSON.stringify(JSON.parse(body));
    assert.notEqual(reserialized, body);
    assert.equal(verifyWebhookSignature(Buffer.from(reserialized), signature, secret), false);
  });

  it('rejects missing, malformed, truncated and foreign signatures', () => {
    const body = Buffer.from('{"id":123}');
    const good = 'OeBtbEIAz+EnjWhU3WkE+GpE4e/Cu0Fl+JGceISoR9I=';
    assert.equal(verifyWebhookSignature(body, ` ${good}\n`, 'secret'), true);
    for (const header of [undefined, null, '', 'not base64!', good.slice(0, 20), Buffer.alloc(64).toString('base64')]) {
      assert.equal(verifyWebhookSignature(body, header, 'secret'), false, String(header));
    }
    assert.equal(verifyWebhookSignature(body, good, 'other-secret'), false);
    const sha1 = createHmac('sha1', 'secret').update(body).digest('base64');
    assert.equal(verifyWebhookSignature(body, sha1, 'secret'), false);
  });

  it('gives the verified HMAC digest, to name the content with, and nothing for a signature that does not match', () => {
    const body = Buffer.from('{"id":123}');
    const digest = verifiedWebhookDigest(body, 'OeBtbEIAz+EnjWhU3WkE+GpE4e/Cu0Fl+JGceISoR9I=', 'secret');
    assert.deepEqual(digest, createHmac('sha256', 'secret').update(body).digest());
    assert.equal(verifiedWebhookDigest(body, 'OeBtbEIAz+EnjWhU3WkE+GpE4e/Cu0Fl+JGceISoR9I=', 'other-secret'), undefined);
    assert.equal(verifiedWebhookDigest(body, undefined, 'secret'), undefined);
  });
});
