import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import { eventually } from '@connector/testing';
import { Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { FAULT_ENV, openShop, placeOrders, Shop } from './shop';

/**
 * Zoho misbehaves while orders flow: error bursts, slow answers, creates whose answer is lost
 * after Zoho committed them, access tokens that expire, a refresh token that is revoked. The
 * events wait and retry; the books end up exactly right.
 */
describe('Zoho faults and token trouble under load', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { instances: { 'invoice-sync': 2 } });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  const refreshes = () => stack.zoho.accountsCalls.filter((c) => c.grantType === 'refresh_token');

  test('500 and 503 bursts on every endpoint, then on invoice creation', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const placing = placeOrders(shop, 30, { intervalMs: 60, batch: '5xx' });
    await sleep(300);
    stack.zoho.faults.next(12, { status: 500 });
    await sleep(700);
    stack.zoho.faults.next(12, { status: 503, retryAfterSeconds: 1 });
    await sleep(700);
    stack.zoho.faults.next(8, { status: 500, match: { method: 'POST', pathPrefix: '/invoices' } });
    stack.zoho.faults.next(4, { status: 502, match: { method: 'GET', pathPrefix: '/contacts' } });
    await placing;
    const report = await expectBalancedLedger(shop.ledgerInput(), { minOrders: 20 });
    stack.zoho.faults.clear();
    const errors = stack.zoho.calls.filter((c) => c.status >= 500).length;
    assert.ok(errors >= 30, `expected the bursts to be hit, saw ${errors} 5xx answers`);
    t.diagnostic(`${errors} 5xx answers from Zoho; ${summary(report)}`);
  });

  test('slow responses (0.3–2.5 s per call) with orders in flight', async (t) => {
    stack.zoho.faults.latency({ min: 300, max: 2_500 });
    await placeOrders(shop, 24, { intervalMs: 50, batch: 'slow' });
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 90_000 });
    stack.zoho.faults.latency(0);
    t.diagnostic(summary(report));
  });

  test('creates whose response is lost after Zoho committed them (invoices, contacts, items)', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const mark = stack.zoho.mark();
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/invoices' }, 5);
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/contacts' }, 3);
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/items' }, 2);
    // Mostly new guests and new products, so contacts and items are created too.
    await placeOrders(shop, 30, { intervalMs: 60, batch: 'lost', newProductEvery: 3 });
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.clear();
    const lost = stack.zoho.callsSince(mark).filter((c) => c.responseLost);
    const lostPaths = lost.map((c) => c.resourcePath.split('/')[1]);
    assert.ok(lostPaths.filter((p) => p === 'invoices').length >= 5, `lost: ${lostPaths.join(', ')}`);
    assert.ok(lostPaths.includes('contacts') && lostPaths.includes('items'), `lost: ${lostPaths.join(', ')}`);
    t.diagnostic(`${lost.length} responses lost after commit (${lostPaths.join(', ')}); ${summary(report)}`);
  });

  test('refresh token revoked: the connection is flagged, events wait, and sync resumes after re-authorization', async (t) => {
    const auth = stack.zohoAuthorizations.get(shop.connectionId)!;
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const invoicesBefore = stack.zoho.invoices(shop.orgId).length;
    const placing = placeOrders(shop, 24, { intervalMs: 80, batch: 'revoked' });
    await sleep(500);
    stack.zoho.revokeRefreshToken(auth.refreshToken);
    stack.zoho.expireAccessTokens(); // cached tokens stop working too, as after the hour they last
    await placing;

    const flagged = await eventually(async () => {
      const res = await stack.api('GET', `/api/connections/${shop.connectionId}`);
      return res.json.status === 'needs_reauthorization' ? res.json : undefined;
    }, 30_000, 200);
    assert.match(String(flagged.statusReason), /revoked|authoriz|invalid/i);
    const invoicesAtFlag = stack.zoho.invoices(shop.orgId).length;

    // Events wait: nothing failed, nothing given up on, no invoice made while unauthorized.
    await shop.store.flushDeliveries();
    await sleep(3_000);
    const invoicesWhileRevoked = stack.zoho.invoices(shop.orgId).length;
    assert.equal(invoicesWhileRevoked, invoicesAtFlag, 'no invoice is made while the authorization is revoked');
    const failed = await stack.api('GET', `/api/connections/${shop.connectionId}/orders?state=failed`);
    assert.deepEqual(failed.json, [], 'no order fails while the connection waits for re-authorization');
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${shop.connectionId}`);
    assert.deepEqual(letters.json.map((l: any) => `${l.consumer} ${l.subject}: ${l.reason}`), [], 'no event is given up on while the connection waits');
    const waiting = (await stack.api('GET', `/api/connections/${shop.connectionId}/orders?state=pending`)).json.length;
    assert.ok(waiting > 0, 'orders wait for the re-authorization');

    const refreshToken = stack.zoho.issueRefreshToken(auth.clientId, [shop.orgId]);
    stack.secrets.add(refreshToken);
    const reauthorized = await stack.api('PUT', `/api/connections/${shop.connectionId}/zoho`, { refreshToken });
    assert.equal(reauthorized.status, 200, JSON.stringify(reauthorized.json));
    assert.equal(reauthorized.json.status, 'active');
    stack.zohoAuthorizations.set(shop.connectionId, { ...auth, refreshToken });

    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 90_000 });
    stack.zoho.faults.latency(0);
    t.diagnostic(`${invoicesWhileRevoked - invoicesBefore} invoices made before the revocation took effect, ${waiting} orders waited; ${summary(report)}`);
  });

  // Every instance's calls are refused at once: each reports its token, and the first report's
  // refresh serves them all (a session fetched while a report was on its way is not reused).
  test('access tokens expire mid-run: one refresh, nothing lost', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 80 });
    const before = refreshes().length;
    const placing = placeOrders(shop, 30, { intervalMs: 60, batch: 'expire' });
    await sleep(800);
    stack.zoho.expireAccessTokens();
    await placing;
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.latency(0);
    const minted = refreshes().length - before;
    assert.ok(minted >= 1 && minted <= 2, `token refreshes after one expiry: ${minted} (one across every instance is the aim)`);
    t.diagnostic(`${minted} token refresh(es) for the expiry; ${summary(report)}`);
  });
});
