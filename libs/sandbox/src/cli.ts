#!/usr/bin/env node
/*
 * The built-in sandbox from the command line (`npm run sandbox`):
 *
 *   node libs/sandbox/dist/cli.js [start] [options]   start both fakes, seed them, print URLs and credentials as JSON
 *   node libs/sandbox/dist/cli.js order [--count N] [--woo-url URL]
 *                                                     place sample orders in a running sandbox (fires its webhooks)
 *   node libs/sandbox/dist/cli.js refund --order ID --amount X [--reason R] [--woo-url URL]
 *                                                     refund part of an order by amount (fires order.updated)
 *
 * start options (or environment variables):
 *   --host H                  SANDBOX_HOST                 default 127.0.0.1
 *   --zoho-accounts-port N    SANDBOX_ZOHO_ACCOUNTS_PORT   default 4101
 *   --zoho-api-port N         SANDBOX_ZOHO_API_PORT        default 4102
 *   --woo-port N              SANDBOX_WOO_PORT             default 4103
 *   --profile us|eu           SANDBOX_PROFILE              default us
 *   --orders-every SECONDS    SANDBOX_ORDERS_EVERY         place a sample order periodically
 *   --sample-order                                         place one sample order right after start
 * While running, type `order` (or press Enter) to place a sample order, `refund <order id> <amount>`
 * to refund one; Ctrl-C stops.
 */
import { createInterface } from 'node:readline';
import { startSandbox } from './sandbox/start-sandbox';
import type { SandboxProfileName } from './sandbox/seed-profiles';

interface Flags {
  command: string;
  values: Map<string, string>;
  switches: Set<string>;
}

function parseArgs(argv: string[]): Flags {
  const flags: Flags = { command: 'start', values: new Map(), switches: new Set() };
  const rest = [...argv];
  if (rest[0] && !rest[0].startsWith('--')) flags.command = rest.shift()!;
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags.values.set(name, inline);
    else if (rest[0] !== undefined && !rest[0].startsWith('--')) flags.values.set(name, rest.shift()!);
    else flags.switches.add(name);
  }
  return flags;
}

function setting(flags: Flags, name: string, env: string, fallback: string): string {
  return flags.values.get(name) ?? process.env[env] ?? fallback;
}

function port(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`invalid ${name}: ${text}`);
  return value;
}

const log = (line: string) => process.stderr.write(`[sandbox] ${line}\n`);

async function start(flags: Flags): Promise<void> {
  const host = setting(flags, 'host', 'SANDBOX_HOST', '127.0.0.1');
  const profile = setting(flags, 'profile', 'SANDBOX_PROFILE', 'us') as SandboxProfileName;
  const sandbox = await startSandbox({
    host,
    profile,
    controlApi: true,
    ports: {
      zohoAccounts: port(setting(flags, 'zoho-accounts-port', 'SANDBOX_ZOHO_ACCOUNTS_PORT', '4101'), 'zoho accounts port'),
      zohoApi: port(setting(flags, 'zoho-api-port', 'SANDBOX_ZOHO_API_PORT', '4102'), 'zoho api port'),
      woo: port(setting(flags, 'woo-port', 'SANDBOX_WOO_PORT', '4103'), 'woo port'),
    },
  });
  const { zoho, woo, org, zohoClient } = sandbox;
  process.stdout.write(
    `${JSON.stringify(
      {
        profile,
        zoho: {
          accountsUrl: zoho.accountsUrl,
          apiDomain: zoho.apiDomain,
          booksBaseUrl: zoho.booksBaseUrl,
          organizationId: org.organization_id,
          clientId: zohoClient.clientId,
          clientSecret: zohoClient.clientSecret,
          refreshToken: zohoClient.refreshToken,
        },
        woocommerce: {
          url: woo.url,
          restBase: woo.restBase,
          consumerKey: woo.consumerKey,
          consumerSecret: woo.consumerSecret,
          timeZone: woo.timeZone,
          currency: woo.currency,
          pricesIncludeTax: woo.pricesIncludeTax,
        },
        placeOrder: `POST ${woo.url}/__sandbox/orders  (or: node libs/sandbox/dist/cli.js order --woo-url ${woo.url})`,
      },
      null,
      2,
    )}\n`,
  );

  let reported = 0;
  const reportDeliveries = setInterval(() => {
    for (const d of woo.deliveries.slice(reported)) log(`delivered ${d.topic} #${d.resourceId} → ${d.url} (${d.status || d.error})`);
    reported = woo.deliveries.length;
  }, 500);
  const placeOrder = () => {
    const order = sandbox.placeSampleOrder();
    log(`placed order #${order.number}: ${order.line_items.length} line(s), total ${order.total} ${order.currency}`);
  };
  if (flags.switches.has('sample-order')) placeOrder();
  const every = Number(setting(flags, 'orders-every', 'SANDBOX_ORDERS_EVERY', '0'));
  const periodic = every > 0 ? setInterval(placeOrder, every * 1000) : undefined;
  const input = process.stdin.isTTY ? createInterface({ input: process.stdin }) : undefined;
  input?.on('line', (line) => {
    const [command, id, amount] = line.trim().split(/\s+/);
    if (!command || command === 'order') return placeOrder();
    if (command === 'refund' && id && amount) {
      try {
        const refunded = woo.refundOrder(Number(id), { amount, reason: 'sandbox refund' });
        return log(`refunded ${amount} of order #${refunded.number} (refund ${refunded.refunds[0]?.id})`);
      } catch (error) {
        return log(`refund refused: ${(error as Error).message}`);
      }
    }
    log('type "order" (or press Enter) to place a sample order, "refund <order id> <amount>" to refund one; Ctrl-C stops');
  });
  log('ready; type "order" (or press Enter) to place a sample order, Ctrl-C to stop');

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(reportDeliveries);
    if (periodic) clearInterval(periodic);
    input?.close();
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function order(flags: Flags): Promise<void> {
  const base = wooBase(flags);
  const count = Number(flags.values.get('count') ?? '1');
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${base}/__sandbox/orders`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`the sandbox store at ${base} answered ${res.status}; is \`npm run sandbox\` running?`);
    const placed = (await res.json()) as { id: number; number: string; total: string; currency: string; status: string };
    process.stdout.write(`${JSON.stringify({ id: placed.id, number: placed.number, status: placed.status, total: placed.total, currency: placed.currency })}\n`);
  }
}

async function refund(flags: Flags): Promise<void> {
  const orderId = flags.values.get('order');
  const amount = flags.values.get('amount');
  if (!orderId || !/^\d+$/.test(orderId) || !amount) throw new Error('refund needs --order ID and --amount X (e.g. --order 1042 --amount 5.00)');
  const reason = flags.values.get('reason');
  const res = await fetch(`${wooBase(flags)}/__sandbox/orders/${orderId}/refunds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amount, ...(reason ? { reason } : {}) }),
  });
  const body = (await res.json().catch(() => ({}))) as { id?: number; amount?: string; message?: string };
  if (res.status !== 201) throw new Error(`the sandbox store answered ${res.status}${body.message ? `: ${body.message}` : ''}`);
  process.stdout.write(`${JSON.stringify({ orderId: Number(orderId), refundId: body.id, amount: body.amount })}\n`);
}

/** The running sandbox store's URL. */
function wooBase(flags: Flags): string {
  const base = flags.values.get('woo-url') ?? process.env.SANDBOX_WOO_URL ?? `http://127.0.0.1:${process.env.SANDBOX_WOO_PORT ?? '4103'}`;
  return base.replace(/\/$/, '');
}

async function main(): Promise<void> {
  const flags = parseArgs(process.argv.slice(2));
  switch (flags.command) {
    case 'start':
      return start(flags);
    case 'order':
      return order(flags);
    case 'refund':
      return refund(flags);
    default:
      throw new Error(`unknown command ${flags.command} (use start, order or refund)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[sandbox] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
