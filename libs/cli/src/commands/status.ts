import { apiPath } from '../api-client';
import type { ConnectionView, DeadLetter, OrderView, ZohoUsage } from '../api-types';
import type { Command, CommandContext } from '../command';
import { ApiError, EXIT } from '../errors';
import { renderTable } from '../output';
import { lastPingCell } from './connections';
import { pingSummary } from './ping-report';
import { quotaCell } from './quota-report';

/** The API caps one page of orders at this many; counts are over the most recent ones. */
const ORDER_SAMPLE = 1000;
const STATE_ORDER = ['synced', 'pending', 'creating', 'failed', 'skipped', 'voided'];

interface ConnectionStatus {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  lastPing: ConnectionView['lastPing'];
  orders: Record<string, number>;
  /** True when the counts cover only the most recent ORDER_SAMPLE orders. */
  ordersTruncated: boolean;
  openDeadLetters: number;
  /** `GET …/usage`; null from a token-service without it. */
  usage: ZohoUsage | null;
  healthy: boolean;
}

export const status: Command = {
  path: ['status'],
  summary: 'Health of one or all connections: status, last ping, orders by state, open dead letters, Zoho quota',
  positionals: [{ name: 'connectionId', optional: true }],
  options: [],
  details: [
    `Order counts cover the ${ORDER_SAMPLE} most recently updated orders of each connection.`,
    "The Zoho quota is Zoho's own count when its answers carry it, else Connector's since midnight (`connector usage <id>`).",
    'Exits 1 when a connection needs attention (not active, last ping failed, failed orders or',
    'open dead letters), so it works as a monitoring check.',
  ],
  examples: ['connector status', 'connector status 6f1c… --json'],
  async run({ api, out }, args) {
    const id = args.positionals[0];
    const connections = id
      ? [await api.get<ConnectionView>(apiPath('connections', id))]
      : await api.get<ConnectionView[]>(apiPath('connections'));
    const statuses = await Promise.all(
      connections.map(async (connection): Promise<ConnectionStatus> => {
        const [orders, letters, usage] = await Promise.all([
          api.get<OrderView[]>(apiPath('connections', connection.id, 'orders'), { limit: ORDER_SAMPLE }),
          api.get<DeadLetter[]>(apiPath('dead-letters'), { connectionId: connection.id }),
          usageOf(api, connection.id),
        ]);
        const counts: Record<string, number> = {};
        for (const order of orders) counts[order.state] = (counts[order.state] ?? 0) + 1;
        const openDeadLetters = letters.filter((letter) => letter.status === 'open').length;
        return {
          id: connection.id,
          name: connection.name,
          status: connection.status,
          statusReason: connection.statusReason,
          lastPing: connection.lastPing,
          orders: counts,
          ordersTruncated: orders.length >= ORDER_SAMPLE,
          openDeadLetters,
          usage,
          healthy:
            connection.status === 'active' &&
            ['ok', 'never'].includes(pingSummary(connection.lastPing)) &&
            !counts.failed &&
            openDeadLetters === 0,
        };
      }),
    );

    out.result(id ? statuses[0] : statuses, () => {
      if (statuses.length === 0) return out.line('No connections yet; create one with `connector connect`.');
      out.lines(renderTable(statuses, [
        { header: 'ID', value: (s) => s.id },
        { header: 'NAME', value: (s) => s.name, max: 24 },
        { header: 'STATUS', value: (s) => s.status },
        { header: 'LAST PING', value: (s) => lastPingCell(s.lastPing) },
        { header: 'ORDERS', value: (s) => orderCounts(s) },
        { header: 'DEAD LETTERS', value: (s) => s.openDeadLetters, align: 'right' },
        { header: 'ZOHO QUOTA TODAY', value: (s) => quotaCell(s.usage) },
      ]));
      // Reasons are sentences; under the table they stay whole instead of stretching a column.
      const reasons = statuses.filter((s) => s.statusReason);
      if (reasons.length > 0) out.lines(['', ...reasons.map((s) => `${s.name} (${s.id}) is ${s.status}: ${s.statusReason}`)]);
    });
    return statuses.every((s) => s.healthy) ? EXIT.ok : EXIT.failed;
  },
};

/**
 * The connection's Zoho usage, or null when it cannot be read (an older token-service without the
 * route, or a failed read): the quota column is informational, and a status check must not fail
 * every connection, nor exit 1, for it.
 */
async function usageOf(api: CommandContext['api'], connectionId: string): Promise<ZohoUsage | null> {
  try {
    return await api.get<ZohoUsage>(apiPath('connections', connectionId, 'usage'));
  } catch (error) {
    if (error instanceof ApiError && (error.isMissingRoute || error.statusCode >= 500)) return null;
    throw error;
  }
}

function orderCounts(status: ConnectionStatus): string {
  const states = Object.keys(status.orders).sort((a, b) => rank(a) - rank(b));
  if (states.length === 0) return 'none';
  const text = states.map((state) => `${status.orders[state]} ${state}`).join(', ');
  return status.ordersTruncated ? `${text} (latest ${ORDER_SAMPLE})` : text;
}

const rank = (state: string) => (STATE_ORDER.includes(state) ? STATE_ORDER.indexOf(state) : STATE_ORDER.length);
