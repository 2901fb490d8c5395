import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHtmlEntities, htmlToText, stripHtmlTags } from './html';
import { cleanText, toWellFormed, truncateText } from './zoho-text';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('decodes the entities WooCommerce puts in names', () => {
  assert.equal(decodeHtmlEntities('Ship Your Idea &ndash; Color: Black'), 'Ship Your Idea \u2013 Color: Black');
  assert.equal(decodeHtmlEntities('Woo Album #2 &times; 1'), 'Woo Album #2 \u00D7 1');
  assert.equal(decodeHtmlEntities('AT&amp;T &#8220;quoted&#8221; &#x1F600;'), 'AT&T \u201Cquoted\u201D 😀');
  assert.equal(decodeHtmlEntities('&unknown; &#0; &#xD800;'), '&unknown; \uFFFD \uFFFD');
});

test('strips tags but keeps block structure; script bodies are dropped', () => {
  assert.equal(stripHtmlTags('<p>One</p><p>Two<br/>Three</p>'), 'One\nTwo\nThree\n');
  assert.equal(stripHtmlTags('a<script>alert(1)</script>b<style>p{}</style>c'), 'abc');
  assert.equal(htmlToText('&lt;b&gt; stays visible'), '<b> stays visible');
});

test('truncates by grapheme within a UTF-16 budget, marking the cut', () => {
  assert.equal(truncateText('short', 10), 'short');
  assert.equal(truncateText('abcdefghij', 5), 'abcd…');
  const emoji = '👨‍👩‍👧'.repeat(10); // 8 code units each
  const cut = truncateText(emoji, 20);
  assert.ok(cut.length <= 20);
  assert.equal(cut, '👨‍👩‍👧👨‍👩‍👧…');
  assert.doesNotMatch(truncateText('a😀😀😀', 4), LONE_SURROGATE);
  assert.equal(truncateText('e\u0301e\u0301e\u0301', 4), 'e\u0301…');
});

test('cleanText: one line, no controls or bidi overrides, NFC, bounded', () => {
  assert.equal(cleanText('  John \n\t Smith\u0007 ', { maxLength: 100 }), 'John Smith');
  assert.equal(cleanText('\u202Egnp.exe\u202C', { maxLength: 100 }), 'gnp.exe');
  assert.equal(cleanText('Zoe\u0308', { maxLength: 100 }), 'Zo\u00EB');
  assert.equal(cleanText(null, { maxLength: 10 }), '');
  assert.equal(cleanText(42, { maxLength: 10 }), '42');
  assert.equal(cleanText({ toString: () => 'x' }, { maxLength: 10 }), '');
  assert.equal(cleanText(`bad ${'\uDC00'} half`, { maxLength: 100 }), 'bad \uFFFD half');
  assert.equal(cleanText('x'.repeat(500), { maxLength: 100 }).length, 100);
  assert.equal(toWellFormed('ok 😀'), 'ok 😀');
});

test('cleanText multiline keeps paragraphs and drops runs of blank lines', () => {
  assert.equal(cleanText('Line 1\r\n\r\n\r\n\r\nLine  2\u2028Line 3', { maxLength: 100, multiline: true }), 'Line 1\n\nLine 2\nLine 3');
  assert.equal(cleanText('<p>Soft <b>cotton</b></p>\n', { maxLength: 100, multiline: true, html: true }), 'Soft cotton');
});
