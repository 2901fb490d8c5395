'use strict';
/**
 * 7. Storage: what the run left on disk per order, for sizing a deployment. The audit stream keeps
 * every delivery for good (it is the books' source record and what replays read); PostgreSQL keeps
 * the sync records and the audit trail (with each event's Zoho requests and responses). Measured
 * after the other scenarios, from JetStream's stream state and PostgreSQL's relation sizes, against
 * the database as migrated before any order (`ctx.storage.baseline`).
 */
const { jsm } = require('../lib/stack');

const SIZED_TABLES = ['audit_entries', 'order_syncs', 'contact_links', 'item_links', 'refund_credits', 'order_payments', 'dead_letters'];

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

/** Bytes the database and its biggest tables hold now. */
async function databaseBytes(query) {
  const [{ total }] = await query(`SELECT pg_database_size(current_database())::bigint AS total`);
  const tables = await query(
    `SELECT relname AS name, pg_total_relation_size(relid)::bigint AS bytes FROM pg_statio_user_tables WHERE relname = ANY($1::text[])`,
    [SIZED_TABLES],
  );
  return { total: Number(total), tables: Object.fromEntries(tables.map((t) => [t.name, Number(t.bytes)])) };
}

async function baseline(ctx) {
  ctx.storage = { baseline: await databaseBytes((sql, params) => ctx.stack.db.dataSource.query(sql, params)) };
}

async function run(ctx) {
  const query = (sql, params) => ctx.stack.db.dataSource.query(sql, params);
  const info = await (await jsm(ctx.stack)).streams.info(ctx.stack.topo.topology.stream);
  const [{ orders }] = await query(`SELECT count(*)::int AS orders FROM order_syncs`);
  if (!orders || !info.state.messages) return;
  const now = await databaseBytes(query);
  const before = ctx.storage?.baseline ?? { total: 0, tables: {} };
  const streamPerOrder = info.state.bytes / orders;
  const databasePerOrder = (now.total - before.total) / orders;
  const audit = ((now.tables.audit_entries ?? 0) - (before.tables.audit_entries ?? 0)) / orders;
  const perYear = (bytes) => `${((bytes * 1000 * 365) / 2 ** 30).toFixed(1)} GB`;
  ctx.row({
    scenario: '7. Storage',
    metric: `per order, after this run's ${orders.toLocaleString('en-US')} orders (${info.state.messages.toLocaleString('en-US')} deliveries)`,
    measured: `audit stream ${kb(streamPerOrder)} (${kb(info.state.bytes / info.state.messages)} per delivery); PostgreSQL ${kb(databasePerOrder)}, of which the audit trail ${kb(audit)}`,
    reference: `at 1,000 orders a day: stream ${perYear(streamPerOrder)} and PostgreSQL ${perYear(databasePerOrder)} a year`,
    target: '—',
    value: `${kb(streamPerOrder + databasePerOrder)} per order`,
    pass: null,
  });
}

module.exports = { name: 'storage', run, baseline };
