import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { phpJsonEncode, PhpFloat } from './php-json';
import { webhookSignature, wpSpecialcharsDecode } from './webhook-signature';
import { parsePhpQuery } from './php-query';

describe('php-json', () => {
  it('escapes slashes and non-ASCII like PHP json_encode', () => {
    assert.equal(phpJsonEncode({ id: 727, permalink: 'https://example.com/' }), '{"id":727,"permalink":"https:\\/\\/example.com\\/"}');
    assert.equal(phpJsonEncode('João €'), '"Jo\\u00e3o \\u20ac"');
    assert.equal(phpJsonEncode('😀'), '"\\ud83d\\ude00"');
    assert.equal(phpJsonEncode('a"b\\c\n\t\u0001'), '"a\\"b\\\\c\\n\\t\\u0001"');
    assert.equal(phpJsonEncode('<&>\''), '"<&>\'"');
  });

  it('prints integral floats with .0 and keeps structure compact', () => {
    assert.equal(phpJsonEncode({ rate_percent: new PhpFloat(20), price: 21.99, qty: 2, ok: true, none: null, list: [] }), '{"rate_percent":20.0,"price":21.99,"qty":2,"ok":true,"none":null,"list":[]}');
    assert.equal(phpJsonEncode(new PhpFloat(1e25)), '1.0e+25');
  });
});

describe('webhook signature', () => {
  it('matches the spec test vectors', () => {
    assert.equal(webhookSignature('{"id":123}', 'secret'), 'OeBtbEIAz+EnjWhU3WkE+GpE4e/Cu0Fl+JGceISoR9I=');
    assert.equal(webhookSignature('{"id":727,"permalink":"https:\\/\\/example.com\\/"}', 'my-secret'), 'lAUCGr4ZY/tWUwn17l5VsRy74+q5Wn1gzZJ+/+V/LHE=');
  });

  it('decodes HTML entities in the secret first', () => {
    assert.equal(wpSpecialcharsDecode('a&amp;b&lt;c&quot;d&#039;'), 'a&b<c"d\'');
    assert.equal(webhookSignature('{}', 'a&amp;b'), webhookSignature('{}', 'a&b'));
  });
});

describe('php-query', () => {
  it('parses arrays, plus signs and repeated keys like PHP', () => {
    const q = parsePhpQuery('status[]=processing&status[]=completed&a+b=c+d&x=1&x=2&m[k]=v&dot.name=1');
    assert.deepEqual([...(q.get('status') as Map<string, string>).entries()], [['0', 'processing'], ['1', 'completed']]);
    assert.equal(q.get('a b'.replace(' ', '_')), 'c d');
    assert.equal(q.get('x'), '2');
    assert.equal((q.get('m') as Map<string, string>).get('k'), 'v');
    assert.equal(q.get('dot_name'), '1');
  });
});
