import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import type { Stack } from '../stack';

/**
 * The books, checked against the shop: what the fake WooCommerce store holds compared with what
 * the fake Zoho Books holds, after whatever went wrong in between.
 *
 * - every order in an invoiced status has exactly one invoice whose reference_number is the order
 *   number and whose total equals the order total exactly (decimal compare), and it is not void;
 * - a cancelled or failed order has no live invoice (a void one at most);
 * - no other invoice exists (no duplicates, none for orders the store does not have);
 * - one contact per email, and the invoice's contact carries the order's billing email;
 * - one item per SKU and per name, and every SKU sold has its item;
 * - every order's sync record is settled (synced / voided / skipped), reconciled, with the order
 *   total; nothing is left pending, creating or failed, and no dead letter is open.
 */
export interface LedgerInput {
  stack: Stack;
  store: FakeWooStore;
  orgId: string;
  connectionId: string;
  /** Order statuses that get an invoice (the connection's sync statuses). */
  invoicedStatuses?: string[];
  /** Dead letters that may stay open (e.g. bad input sent on purpose): predicate on the letter. */
  allowDeadLetter?: (letter: any) => boolean;
  /** Orders to leave out (e.g. placed on purpose with data that cannot be invoiced). */
  ignoreOrders?: (order: WooOrder) => boolean;
}

export interface LedgerReport {
  problems: string[];
  orders: number;
  invoiced: number;
  invoices: number;
  contacts: number;
  items: number;
  records: number;
}

const DEFAULT_INVOICED = ['processing', 'completed', 'on-hold'];
const VOIDING = new Set(['cancelled', 'failed']);
const SETTLED = new Set(['synced', 'voided', 'skipped']);

export async function ledger(input: LedgerInput): Promise<LedgerReport> {
  const { stack, store, orgId, connectionId } = input;
  const invoicedStatuses = new Set(input.invoicedStatuses ?? DEFAULT_INVOICED);
  const problems: string[] = [];
  const orders = store.orders().filter((o) => !input.ignoreOrders?.(o));
  const allOrderNumbers = new Set(store.orders().map((o) => String(o.number)));
  const invoices: any[] = stack.zoho.invoices(orgId);
  const contacts: any[] = stack.zoho.contacts(orgId);
  const items: any[] = stack.zoho.items(orgId);

  const recordsRes = await stack.api('GET', `/api/connections/${connectionId}/orders?limit=1000`);
  if (recordsRes.status !== 200) return { problems: [`GET orders answered ${recordsRes.status}`], orders: orders.length, invoiced: 0, invoices: invoices.length, contacts: contacts.length, items: items.length, records: 0 };
  const records = new Map<number, any>((recordsRes.json as any[]).map((r) => [Number(r.orderId), r]));

  const byReference = new Map<string, any[]>();
  for (const invoice of invoices) {
    const ref = String(invoice.reference_number ?? '');
    byReference.set(ref, [...(byReference.get(ref) ?? []), invoice]);
  }
  for (const [ref, list] of byReference) {
    if (!allOrderNumbers.has(ref)) problems.push(`extra invoice(s) ${list.map((i) => i.invoice_id).join(', ')} with reference "${ref}", which is no store order`);
  }

  const contactEmail = (contact: any): string => {
    const primary = (contact.contact_persons ?? []).find((p: any) => p.is_primary_contact);
    return String(primary?.email ?? contact.email ?? '').trim().toLowerCase();
  };
  const contactById = new Map(contacts.map((c) => [String(c.contact_id), c]));

  let invoiced = 0;
  for (const order of orders) {
    const label = `order ${order.id} (#${order.number}, ${order.status}, total ${order.total})`;
    const mine = byReference.get(String(order.number)) ?? [];
    const live = mine.filter((i) => String(i.status).toLowerCase() !== 'void');
    const record = records.get(order.id);
    if (invoicedStatuses.has(order.status)) {
      invoiced += 1;
      if (mine.length === 0) problems.push(`${label}: LOST — no invoice in Zoho (record: ${record ? `${record.state} ${record.reason ?? ''}` : 'none'})`);
      else if (mine.length > 1) problems.push(`${label}: DUPLICATED — ${mine.length} invoices ${mine.map((i) => `${i.invoice_id}/${i.status}`).join(', ')}`);
      else {
        const invoice = mine[0];
        if (live.length !== 1) problems.push(`${label}: its invoice ${invoice.invoice_id} is ${invoice.status}`);
        if (Decimal.from(String(invoice.total)).compare(order.total) !== 0) problems.push(`${label}: Zoho total ${invoice.total} ≠ order total ${order.total}`);
        const contact = contactById.get(String(invoice.customer_id));
        if (!contact) problems.push(`${label}: invoice ${invoice.invoice_id} names contact ${invoice.customer_id}, which does not exist`);
        else if (order.billing?.email && contactEmail(contact) !== order.billing.email.trim().toLowerCase()) {
          problems.push(`${label}: invoice contact email ${contactEmail(contact)} ≠ billing email ${order.billing.email}`);
        }
        if (record?.invoice && record.invoice.id !== invoice.invoice_id) problems.push(`${label}: record links invoice ${record.invoice.id}, Zoho has ${invoice.invoice_id}`);
      }
      if (!record) problems.push(`${label}: no sync record`);
      else {
        if (record.state !== 'synced') problems.push(`${label}: record is ${record.state} (${record.reason ?? 'no reason'})`);
        if (record.orderTotal === null || Decimal.from(record.orderTotal).compare(order.total) !== 0) {
          problems.push(`${label}: record has order total ${record.orderTotal} (not the latest snapshot yet)`);
        }
        if (record.state === 'synced' && record.reconciled !== true) problems.push(`${label}: record not reconciled (zoho ${record.zohoTotal})`);
      }
    } else {
      if (live.length > 0) problems.push(`${label}: has live invoice(s) ${live.map((i) => i.invoice_id).join(', ')} although it is ${order.status}`);
      if (mine.length > 1) problems.push(`${label}: DUPLICATED — ${mine.length} invoices`);
      if (record && !SETTLED.has(record.state)) problems.push(`${label}: record is ${record.state} (${record.reason ?? 'no reason'})`);
      if (VOIDING.has(order.status) && record?.invoice && record.state !== 'voided') problems.push(`${label}: record ${record.state}, expected voided`);
    }
  }

  // One contact per email.
  const emails = new Map<string, string[]>();
  for (const contact of contacts) {
    const email = contactEmail(contact);
    if (!email) continue;
    emails.set(email, [...(emails.get(email) ?? []), String(contact.contact_id)]);
  }
  for (const [email, ids] of emails) if (ids.length > 1) problems.push(`DUPLICATED contact for ${email}: ${ids.join(', ')}`);
  for (const order of orders) {
    const email = order.billing?.email?.trim().toLowerCase();
    if (email && invoicedStatuses.has(order.status) && !emails.has(email)) problems.push(`order ${order.id}: LOST contact — no Zoho contact with email ${email}`);
  }

  // One item per SKU and per name.
  const skus = new Map<string, string[]>();
  const names = new Map<string, string[]>();
  for (const item of items) {
    if (item.sku) skus.set(item.sku, [...(skus.get(item.sku) ?? []), String(item.item_id)]);
    const name = String(item.name).trim().toLowerCase();
    names.set(name, [...(names.get(name) ?? []), String(item.item_id)]);
  }
  for (const [sku, ids] of skus) if (ids.length > 1) problems.push(`DUPLICATED item for SKU ${sku}: ${ids.join(', ')}`);
  for (const [name, ids] of names) if (ids.length > 1) problems.push(`DUPLICATED item named "${name}": ${ids.join(', ')}`);
  for (const order of orders) {
    if (!invoicedStatuses.has(order.status)) continue;
    for (const line of order.line_items) {
      if (line.sku && !skus.has(line.sku)) problems.push(`order ${order.id}: LOST item — no Zoho item with SKU ${line.sku}`);
    }
  }

  // Nothing given up on, not even for a while (a dead letter resolved later by a sweep or a
  // retry still means an event was wrongly judged hopeless).
  for (const status of ['open', 'retrying', 'resolved']) {
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=${status}`);
    if (letters.status !== 200) {
      problems.push(`GET dead-letters answered ${letters.status}`);
      continue;
    }
    for (const letter of letters.json as any[]) {
      if (input.allowDeadLetter?.(letter)) continue;
      problems.push(`${status} dead letter ${letter.consumer} seq ${letter.streamSeq} (${letter.subject}) after ${letter.deliveries} deliveries: ${letter.reason}`);
    }
  }

  return { problems, orders: orders.length, invoiced, invoices: invoices.length, contacts: contacts.length, items: items.length, records: records.size };
}

/**
 * Waits until the ledger balances (everything in flight has settled), then asserts it. Fails with
 * every problem still open after `timeoutMs`. Duplicates never disappear by waiting, so a
 * balanced ledger at the end also proves nothing was created twice.
 */
export async function expectBalancedLedger(input: LedgerInput, options: { timeoutMs?: number; minOrders?: number } = {}): Promise<LedgerReport> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let report: LedgerReport | undefined;
  let lastDebug = 0;
  for (;;) {
    await input.store.flushDeliveries();
    try {
      report = await ledger(input);
      if (process.env.LEDGER_DEBUG && Date.now() - lastDebug > 3_000) {
        lastDebug = Date.now();
        console.log(`[ledger ${new Date().toISOString()}] ${report.problems.length} problems\n  ${report.problems.slice(0, 8).join('\n  ')}`);
      }
      if (report.problems.length === 0 || Date.now() > deadline) break;
    } catch (error) {
      // the admin API may be restarting
      if (Date.now() > deadline) throw error;
    }
    await sleep(500);
  }
  const shown = report.problems.slice(0, 40).join('\n  ');
  const forensics = report.problems.length ? await duplicateForensics(input, report.problems) : '';
  assert.deepEqual(report.problems, [], `the ledger does not balance (${report.problems.length} problems):\n  ${shown}\n${forensics}${logTails(input.stack)}`);
  if (options.minOrders !== undefined) assert.ok(report.invoiced >= options.minOrders, `expected at least ${options.minOrders} invoiced orders, got ${report.invoiced}`);
  return report;
}

/**
 * For each order with more than one invoice: how Zoho was asked to make them and searched for
 * them (time, status), the order's story, and when each process started and exited, so a failure
 * seen once in a long run can be explained from its output alone (a create sent by a process
 * killed a moment later shows as a POST just before that process's exit).
 */
async function duplicateForensics(input: LedgerInput, problems: string[]): Promise<string> {
  const lines: string[] = [];
  for (const problem of problems.filter((line) => line.includes('DUPLICATED —')).slice(0, 3)) {
    const match = /^order (\d+) \(#([^,]+),/.exec(problem);
    if (!match) continue;
    const [, orderId, number] = match;
    const creates = input.stack.zoho.calls.filter((call) => call.method === 'POST' && call.resourcePath === '/invoices' && (call.body as { reference_number?: string })?.reference_number === number);
    lines.push(`--- order ${orderId}: POST /invoices ${creates.map((call) => `${new Date(call.at).toISOString()} → ${call.status} (${call.durationMs} ms)`).join('; ')}`);
    const searches = input.stack.zoho.calls.filter((call) => call.method === 'GET' && call.resourcePath === '/invoices' && call.query.reference_number === number);
    lines.push(`    searched by reference: ${searches.map((call) => `${new Date(call.at).toISOString()} → ${call.status}`).join('; ') || 'never'}`);
    const story = await input.stack.api('GET', `/api/connections/${input.connectionId}/audit/order/${orderId}`).catch(() => undefined);
    for (const entry of (story?.json as any[] | undefined) ?? []) {
      lines.push(`    ${entry.createdAt ?? entry.at ?? ''} ${entry.service} seq ${entry.streamSeq ?? '-'} ${entry.action} ${entry.outcome}: ${String(entry.message ?? '').slice(0, 160)}`);
    }
  }
  if (lines.length === 0) return '';
  for (const [key, text] of input.stack.allLogs()) {
    const marks = text.split('\n').filter((line) => line.startsWith(`=== ${key} `));
    lines.push(`--- ${key}: ${marks.map((line) => line.replace(/^=== \S+ /, '').replace(/ ===$/, '')).join(' | ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line for test diagnostics. */
export function summary(report: LedgerReport): string {
  return `ledger: ${report.orders} orders (${report.invoiced} invoiced), ${report.invoices} invoices, ${report.contacts} contacts, ${report.items} items, ${report.records} sync records`;
}

function logTails(stack: Stack): string {
  return [...stack.allLogs()]
    .map(([key, text]) => `--- ${key} (last lines) ---\n${text.split('\n').filter(Boolean).slice(-15).join('\n')}`)
    .join('\n');
}
