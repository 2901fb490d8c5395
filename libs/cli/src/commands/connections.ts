import { apiPath } from '../api-client';
import type { ConnectionView, PingReport, WebhookRegistration } from '../api-types';
import { flagOption, integerOption, stringOption } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { cellText, Column, formatTime, renderDetails, renderTable } from '../output';
import { SECRET_VARIABLES } from '../secret-variables';
import { pingSucceeded, pingSummary, renderPing } from './ping-report';

const list: Command = {
  path: ['connections'],
  summary: 'List the connections (never with secrets)',
  positionals: [],
  options: [],
  examples: ['connector connections', 'connector connections --json | jq -r ".[].id"'],
  async run({ api, out }) {
    const connections = await api.get<ConnectionView[]>(apiPath('connections'));
    out.result(connections, () => {
      if (connections.length === 0) return out.line('No connections yet; create one with `connector connect`.');
      out.lines(renderTable(connections, [
        { header: 'ID', value: (c) => c.id },
        { header: 'NAME', value: (c) => c.name, max: 30 },
        { header: 'STATUS', value: (c) => c.status },
        { header: 'STORE', value: (c) => c.woocommerce.url, max: 40 },
        { header: 'ZOHO ORG', value: (c) => c.zoho.organizationId },
        { header: 'LAST PING', value: (c) => lastPingCell(c.lastPing) },
      ]));
    });
    return EXIT.ok;
  },
};

const ping: Command = {
  path: ['ping'],
  summary: 'Test both credential sets against WooCommerce and Zoho Books',
  positionals: [{ name: 'connectionId' }],
  options: [],
  details: ['Exits 1 when either side fails, so it can gate a script or a health check.'],
  examples: ['connector ping 6f1c…'],
  async run({ api, out }, args) {
    const report = await api.post<PingReport>(apiPath('connections', args.positionals[0], 'ping'));
    out.result(report, () => out.lines(renderPing(report)));
    return pingSucceeded(report) ? EXIT.ok : EXIT.failed;
  },
};

const webhooks: Command = {
  path: ['webhooks'],
  summary: "Register (or repair) the store's webhooks; safe to run repeatedly",
  positionals: [{ name: 'connectionId' }],
  options: [
    { name: 'rotate-secret', kind: 'boolean', description: 'Give them a new signing secret (the old one is accepted for --grace-minutes)' },
    { name: 'grace-minutes', kind: 'integer', description: 'With --rotate-secret: minutes the old secret stays valid (default 60; 0 after a leak)', placeholder: '<minutes>' },
  ],
  examples: ['connector webhooks 6f1c…', 'connector webhooks 6f1c… --rotate-secret --grace-minutes 0'],
  async run({ api, out }, args) {
    const grace = integerOption(args, 'grace-minutes');
    if (grace !== undefined && !flagOption(args, 'rotate-secret')) throw new UsageError('--grace-minutes goes with --rotate-secret', 'webhooks');
    const registration = flagOption(args, 'rotate-secret')
      ? await api.post<WebhookRegistration & { previousSecretAcceptedUntil: string | null }>(
        apiPath('connections', args.positionals[0], 'webhooks', 'rotate-secret'), grace === undefined ? {} : { graceMinutes: grace })
      : await api.post<WebhookRegistration>(apiPath('connections', args.positionals[0], 'webhooks'));
    out.result(registration, () => out.lines(renderWebhooks(registration)));
    // Registered, but the store cannot deliver: not a working setup, so scripts see a failure.
    if (registration.deliveryCheck?.status === 'not-reached') {
      out.note(`connector: ${registration.deliveryCheck.message}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};

function renderWebhooks(registration: WebhookRegistration & { previousSecretAcceptedUntil?: string | null }): string[] {
  const rotated = registration.previousSecretAcceptedUntil === undefined
    ? []
    : [['Secret', `rotated; the old one ${registration.previousSecretAcceptedUntil ? `is accepted until ${formatTime(registration.previousSecretAcceptedUntil)}` : 'is no longer accepted'}`] as [string, string]];
  const reached = registration.deliveryCheck ? [['Store reached', registration.deliveryCheck.message] as [string, string]] : [];
  return [...renderDetails([['Delivery URL', registration.deliveryUrl], ...reached, ...rotated]), '', ...renderWebhookTable(registration.webhooks)];
}

export function renderWebhookTable(webhooks: WebhookRegistration['webhooks'], indent = 0): string[] {
  if (webhooks.length === 0) return [`${' '.repeat(indent)}No webhooks registered.`];
  return renderTable(webhooks, webhookColumns(webhooks), { indent });
}

/**
 * The store client reports each webhook with whatever fields WooCommerce returned; show the
 * familiar ones first and any other plain field after them.
 */
function webhookColumns(rows: Array<Record<string, unknown>>): Column<Record<string, unknown>>[] {
  const preferred = ['id', 'topic', 'status', 'action', 'name'];
  const plain = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) if (value === null || typeof value !== 'object') plain.add(key);
  }
  const keys = [...preferred.filter((key) => plain.has(key)), ...[...plain].filter((key) => !preferred.includes(key))];
  return keys.map((key) => ({
    header: key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
    value: (row) => row[key] as string | number | boolean | null | undefined,
    max: 50,
  }));
}

export function lastPingCell(report: PingReport | null): string {
  return report ? `${pingSummary(report)} ${cellText(formatTime(report.at))}` : 'never';
}

const storeKeys: Command = {
  path: ['store-keys'],
  summary: "Replace the store's WooCommerce REST keys (revoked or regenerated), and its address if it moved",
  positionals: [{ name: 'connectionId' }],
  options: [
    { name: 'consumer-key', kind: 'string', description: 'The new REST key (ck_…)', required: true, placeholder: '<key>' },
    {
      name: 'consumer-secret', kind: 'string', description: 'The new REST secret (cs_…)', required: true, placeholder: '<secret>',
      secret: { env: SECRET_VARIABLES.consumerSecret },
    },
    { name: 'store-url', kind: 'string', description: "The store's new address, when it moved", placeholder: '<url>' },
  ],
  details: [
    'The keys are tried on the store first; keys it refuses (or a store that does not answer) change nothing.',
    'The connection keeps its id, webhook URL and records.',
    'Give the secret in CONNECTOR_CONSUMER_SECRET or a file (`-` reads stdin): other local users see arguments in `ps`.',
  ],
  examples: ['connector store-keys 6f1c… --consumer-key ck_… --consumer-secret-file - < woo-consumer-secret.txt'],
  async run({ api, out }, args) {
    const connection = await api.put<ConnectionView>(apiPath('connections', args.positionals[0], 'woocommerce'), {
      consumerKey: stringOption(args, 'consumer-key'),
      consumerSecret: stringOption(args, 'consumer-secret'),
      url: stringOption(args, 'store-url'),
    });
    out.result(connection, () => out.lines(renderDetails([
      ['Connection', `${connection.name} (${connection.id})`],
      ['Store', connection.woocommerce.url],
      ['Keys', 'replaced (checked on the store)'],
    ])));
    return EXIT.ok;
  },
};

interface RestoredConnection {
  connection: ConnectionView;
  webhooks: WebhookRegistration | { error: string } | null;
  catchUp: string;
}

const restore: Command = {
  path: ['restore'],
  summary: 'Bring back a deleted connection with its order records, links and credentials',
  positionals: [{ name: 'connectionId' }],
  options: [{ name: 'register-webhooks', kind: 'boolean', description: "Register the store's webhooks again (deleting the connection removed them)" }],
  details: [
    'Connecting the same store to the same Zoho organization again is refused while a deleted connection has them:',
    'a new connection would not know the orders already invoiced, and would invoice them again.',
  ],
  examples: ['connector restore 6f1c… --register-webhooks'],
  async run({ api, out }, args) {
    const registerWebhooks = flagOption(args, 'register-webhooks');
    const restored = await api.post<RestoredConnection>(apiPath('connections', args.positionals[0], 'restore'), undefined, registerWebhooks ? { query: { registerWebhooks: 'true' } } : {});
    const webhooks = restored.webhooks;
    out.result(restored, () => out.lines([
      ...renderDetails([
        ['Connection', `${restored.connection.name} (${restored.connection.id}) restored`],
        ['Store', restored.connection.woocommerce.url],
        ['Webhooks', webhooks === null ? 'not registered (connector webhooks <id> registers them)' : 'error' in webhooks ? webhooks.error : 'registered'],
        ['Catch-up', restored.catchUp],
      ]),
      ...(webhooks !== null && !('error' in webhooks) ? ['', ...renderWebhookTable(webhooks.webhooks)] : []),
    ]));
    return webhooks !== null && 'error' in webhooks ? EXIT.failed : EXIT.ok;
  },
};

export const connectionCommands = [list, ping, webhooks, storeKeys, restore];
