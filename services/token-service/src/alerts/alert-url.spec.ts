import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolveAll } from '@connector/common';
import { alertUrlAddressProblem } from './alert-url';

describe('alertUrlAddressProblem', () => {
  // A stub resolver: this machine has no DNS for public names.
  const resolveAll: ResolveAll = async (hostname) => {
    const answers: Record<string, string[]> = { 'hooks.example.com': ['93.184.215.14'], 'alerts.corp.example': ['10.20.30.40'], 'six.example.com': ['2606:4700::1', 'fe80::1'] };
    if (!answers[hostname]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers[hostname]!.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('refuses an alert URL whose host resolves to a private address, naming the host, never the path', async () => {
    const problem = await alertUrlAddressProblem('https://alerts.corp.example/hooks/SECRET', false, resolveAll);
    assert.equal(problem, 'the alert webhook URL points at a private or loopback address: alerts.corp.example resolves to 10.20.30.40 (private network), which is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)');
    assert.match((await alertUrlAddressProblem('https://six.example.com/x', false, resolveAll))!, /fe80::1 \(link-local\)/);
  });

  it('keeps the checks on the URL as written, and resolves only what passed them', async () => {
    const never: ResolveAll = () => assert.fail('not resolved');
    assert.match((await alertUrlAddressProblem('http://hooks.example.com/x', false, never))!, /must use https/);
    assert.match((await alertUrlAddressProblem('https://169.254.169.254/x', false, never))!, /private/);
    assert.match((await alertUrlAddressProblem('not a url', false, never))!, /not a valid URL/);
  });

  it('admits a public host, a name that does not resolve, and anything when private endpoints are allowed', async () => {
    assert.equal(await alertUrlAddressProblem('https://hooks.example.com/services/T/B/X', false, resolveAll), null);
    assert.equal(await alertUrlAddressProblem('https://gone.example.com/x', false, resolveAll), null);
    assert.equal(await alertUrlAddressProblem('https://alerts.corp.example/x', true, resolveAll), null);
  });
});
