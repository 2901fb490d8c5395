import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZOHO_BOOKS_SCOPES } from './scopes';

describe('ZOHO_BOOKS_SCOPES', () => {
  it('the README tells an owner exactly these scopes for the refresh token', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    assert.ok(readme.includes(`\`${ZOHO_BOOKS_SCOPES.join(',')}\``), 'README "Connecting a store" lists another set of scopes');
  });

  it('one scope per family and operation, each a Books scope', () => {
    assert.equal(new Set(ZOHO_BOOKS_SCOPES).size, ZOHO_BOOKS_SCOPES.length);
    for (const scope of ZOHO_BOOKS_SCOPES) assert.match(scope, /^ZohoBooks\.[a-z]+\.(CREATE|READ|UPDATE|DELETE)$/);
  });
});
