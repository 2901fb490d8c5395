import { creditNoteReference, Decimal } from '@connector/accounting';
import type { WooOrder, WooRefund } from '@connector/contracts';
import { AWAITS_SENT_INVOICE, RefundCreditEntity } from '@connector/persistence';
import { awaitsSentInvoice, CREDITABLE_INVOICE_STATUSES, madeBefore, openCreditsOn, refundWork } from './credit-link-rules';

/** One Zoho write a dry run found (listed in the replay and in the audit trail, outcome `dry-run`). */
export interface PlannedWrite {
  action: string;
  message: string;
  payload?: unknown;
}

/** The order's invoice as the dry run sees it after this event (planned above, or as recorded). */
export interface InvoiceInDryRun {
  invoiceId?: string;
  void: boolean;
  status?: string | null;
  /** Reopened by this event: its credit notes voided with it are credited anew (see releaseVoidedWithInvoice). */
  reinstated?: boolean;
}

/** The invoice's status and balance as the live run's refund step would find them in Zoho. */
export interface InvoiceBalance {
  status: string;
  balance: Decimal;
}

/** A credit note an earlier attempt made for a claim (stored on it, or found by its reference). */
export interface FoundCreditNote {
  id: string;
  number?: string | null;
  balance: Decimal;
}

/** The reads the live refund step makes, done read-only by the dry run (each at most once). */
export interface RefundDryRunReads {
  /** The store's refunds of the order (GET /orders/{id}/refunds). */
  storeRefunds(): Promise<Map<number, WooRefund>>;
  /** The invoice in Zoho, as this dry run would have left it (see RefundCreditsService.preview). */
  invoice(): Promise<InvoiceBalance>;
  /** The credit note made for a claim whose answer was lost: stored on it and not void, else found by reference. */
  lostCreditNote(claim: RefundCreditEntity, reference: string): Promise<FoundCreditNote | undefined>;
  /** The credit note creditClaimed would make for the refund, planned with look-ups that never create. */
  creditNote(refund: WooRefund): Promise<PlannedCreditNote>;
}

/** A credit note as the dry run plans it. */
export interface PlannedCreditNote {
  /** Its total: the refund's amount. */
  total: Decimal;
  payload: unknown;
  /**
   * The items (and contact) its look-ups would create, each listed once per dry run: the synthetic
   * "Refunds" item on a connection's first credit note, as ensure-items answers.
   */
  newRecords: PlannedWrite[];
}

export interface RefundDryRunInput {
  connectionId: string;
  order: WooOrder;
  /** The order's refund_credits rows (those a reinstatement releases already left out). */
  links: readonly RefundCreditEntity[];
  invoice: InvoiceInDryRun;
  settings: { refundsSince?: string; paymentAccountId?: string };
  /** The order's payment is booked on this invoice (recorded, or planned by this dry run): a refund gives money back. */
  paymentBooked: boolean;
  /** Keys of the writes this dry run listed already: each is listed once. */
  seen: Map<string, unknown>;
  reads: RefundDryRunReads;
}

/**
 * Replay dry run of RefundCreditsService.reconcile, step by step: the Zoho writes it would make
 * for this snapshot, one entry per write (a credit note created, applied, its money given back or
 * taken back, voided), and the credit notes it would adopt. Keep it in step with reconcile. What
 * it plans is remembered as the refund_credits rows the live run would leave (`seen`), so the
 * order's later events in the dry run start from there, as the live run's would.
 */
export async function planRefundWrites(input: RefundDryRunInput): Promise<PlannedWrite[]> {
  const { order, invoice, reads } = input;
  const writes = new PlannedWrites(input);
  const { live, missing, pending, claimed, unrecorded, orphaned } = refundWork(writes.links, order);
  if (live.length === 0 && pending.length === 0 && orphaned.length === 0) return [];
  if (invoice.void) {
    // Money already given back stays booked (as reconcile): those credit notes are left as they are.
    for (const link of live.filter((link) => !link.cashRefundId)) writes.voidCreditNote(link, 'the invoice is void');
    await voidUnrecorded(input, writes, unrecorded, 'the invoice is void');
    return writes.list;
  }
  if (missing.length === 0 && orphaned.length === 0 && pending.length === 0) {
    await applyIfSent(input, writes, live);
    return writes.list;
  }
  const inStore = await reads.storeRefunds();
  const deleted = (link: RefundCreditEntity) => !inStore.has(Number(link.refundId));
  for (const link of missing.filter(deleted)) {
    if (link.cashRefundId) writes.takeBack(link);
    writes.voidCreditNote(link, 'the refund was deleted in the store');
  }
  await voidUnrecorded(input, writes, orphaned.filter(deleted), 'the refund was deleted in the store');
  if (pending.length === 0 || !invoice.invoiceId) {
    if (pending.length === 0) await applyIfSent(input, writes, live);
    return writes.list;
  }
  let state: InvoiceBalance | undefined;
  for (const summary of pending) {
    const refund = inStore.get(summary.id);
    if (!refund || madeBefore(refund, input.settings.refundsSince)) continue;
    state ??= { ...(await reads.invoice()) }; // a copy: its balance goes down as credits are applied
    if (state.status === 'void') continue;
    // creditClaimed plans the credit note (its items looked up) before anything else, even for a note it then adopts.
    const plan = await reads.creditNote(refund);
    writes.list.push(...plan.newRecords);
    const claim = claimed.get(refund.id);
    const reference = creditNoteReference(order, refund.id);
    const recovered = claim ? await reads.lostCreditNote(claim, reference) : undefined;
    const open = recovered ? recovered.balance : plan.total;
    const name = recovered ? `credit note ${recovered.number ?? recovered.id}` : 'the credit note planned above';
    writes.add(`credit:${refund.id}`, recovered
      ? { action: 'recover-credit-note', message: `would adopt credit note ${recovered.number ?? recovered.id} (made for refund ${refund.id} of order ${order.number || order.id}, its answer lost; found by ${claim?.creditNoteId ? 'its record' : `reference ${reference}`})` }
      : { action: 'create-credit-note', message: `would create a credit note of ${open.toString()} for refund ${refund.id} of order ${order.number || order.id} against its invoice`, payload: plan.payload });
    const creditable = CREDITABLE_INVOICE_STATUSES.has(state.status);
    const applied = creditable && state.balance.isPositive() && open.isPositive() ? Decimal.min(open, state.balance) : Decimal.ZERO;
    if (applied.isPositive()) writes.add(`apply-credit:${refund.id}`, { action: 'apply-credit', message: `would apply ${applied.toString()} of ${name} (refund ${refund.id}) to the invoice` });
    state.balance = state.balance.sub(applied);
    const givenBack = input.paymentBooked ? writes.giveBack(refund.id, name, open.sub(applied)) : Decimal.ZERO;
    writes.simulate(refund.id, {
      state: 'credited', invoiceId: invoice.invoiceId, creditNoteId: recovered?.id ?? PLANNED_CREDIT_NOTE, creditNoteNumber: recovered?.number ?? 'planned above',
      zohoTotal: open.toString(), appliedAmount: applied.toString(), cashRefundId: givenBack.isPositive() ? PLANNED_CREDIT_NOTE : null,
      cashRefundedAmount: givenBack.isPositive() ? givenBack.toString() : null, reason: creditable ? null : `invoice is ${state.status} in Zoho, ${AWAITS_SENT_INVOICE}`,
    });
  }
  await applyIfSent(input, writes, live, state);
  return writes.list;
}

/**
 * Replay dry run of RefundCreditsService.applyOpenCredits: the order's open credits applied to the
 * sent invoice as far as its balance goes (oldest first), and, when its payment is booked, what
 * the invoice cannot take of each given back to the customer (giveBackLater).
 */
export async function planOpenCredits(input: RefundDryRunInput): Promise<PlannedWrite[]> {
  const writes = new PlannedWrites(input);
  // As the live run: no open credit, nothing read.
  if (openCreditsOn(writes.links, input.invoice.invoiceId!).length > 0) await applyOpenCredits(input, writes, (await input.reads.invoice()).balance, 'once it is marked as sent');
  return writes.list;
}

/** applyIfSent: credits a draft left open, once the invoice is sent (a draft is read, as the live run does). */
async function applyIfSent(input: RefundDryRunInput, writes: PlannedWrites, live: readonly RefundCreditEntity[], known?: InvoiceBalance): Promise<void> {
  const { invoiceId } = input.invoice;
  if (!invoiceId || !live.some((link) => link.invoiceId === invoiceId && awaitsSentInvoice(link))) return;
  let status = known?.status ?? input.invoice.status ?? 'draft';
  let balance = known?.balance;
  if (!known && status === 'draft') ({ status, balance } = await input.reads.invoice());
  if (!CREDITABLE_INVOICE_STATUSES.has(status)) return;
  await applyOpenCredits(input, writes, balance ?? (await input.reads.invoice()).balance, 'sent in Zoho since its refund');
}

/** `when`: how the invoice came to take credits. The live run reads its balance again as it applies them ("up to"). */
async function applyOpenCredits(input: RefundDryRunInput, writes: PlannedWrites, balanceNow: Decimal, when: string): Promise<void> {
  let balance = balanceNow;
  let refunds: Map<number, WooRefund> | undefined;
  for (const { link, left } of openCreditsOn(writes.links, input.invoice.invoiceId!)) {
    const amount = balance.isPositive() ? Decimal.min(left, balance) : Decimal.ZERO;
    const note = `credit note ${link.creditNoteNumber ?? link.creditNoteId}`;
    if (amount.isPositive()) writes.add(`apply-credit:${link.refundId}`, { action: 'apply-credit', message: `would apply up to ${amount.toString()} of ${note} (refund ${link.refundId}) to the invoice, ${when}` });
    balance = balance.sub(amount);
    let givenBack = Decimal.ZERO;
    if (input.paymentBooked && left.gt(amount)) {
      // giveBackLater: nothing for a refund gone from the store (its deletion voids the credit note).
      refunds ??= await input.reads.storeRefunds();
      if (refunds.has(Number(link.refundId))) givenBack = writes.giveBack(Number(link.refundId), note, left.sub(amount));
    }
    writes.simulate(Number(link.refundId), {
      appliedAmount: Decimal.from(link.appliedAmount ?? '0').add(amount).toString(),
      reason: null,
      ...(givenBack.isPositive() ? { cashRefundId: PLANNED_CREDIT_NOTE, cashRefundedAmount: givenBack.toString() } : {}),
    });
  }
}

/** voidUnrecorded: a claim without a credit note whose refund is gone (or invoice void) voids the one found by reference. */
async function voidUnrecorded(input: RefundDryRunInput, writes: PlannedWrites, claims: readonly RefundCreditEntity[], why: string): Promise<void> {
  for (const claim of claims) {
    const reference = creditNoteReference(input.order, Number(claim.refundId));
    const found = await input.reads.lostCreditNote(claim, reference);
    if (!found) {
      writes.simulate(Number(claim.refundId), { state: 'voided' }); // closed with no credit note: nothing to write
      continue;
    }
    writes.voidCreditNote({ ...claim, creditNoteId: found.id, creditNoteNumber: found.number ?? null } as RefundCreditEntity, why, `made by an attempt whose answer was lost; found by reference ${reference}`);
  }
}

/** Where a dry run keeps the order's refund_credits rows as it would have left them (set once it planned something). */
export function simulatedRowsKey(connectionId: string, orderId: number): string {
  return `refund-credits:${connectionId}:${orderId}`;
}

/** Stands for the id of a credit note (or of its money given back) a dry run would have made. */
const PLANNED_CREDIT_NOTE = 'planned';

/**
 * The writes of one event, each listed once per dry run, and the order's refund_credits rows as
 * the live run would leave them (kept in `seen` for the order's later events).
 */
class PlannedWrites {
  readonly list: PlannedWrite[] = [];

  constructor(private readonly input: RefundDryRunInput) {}

  /** The order's rows: as recorded, or as this dry run would have left them, by refund id. */
  get links(): RefundCreditEntity[] {
    const rows = new Map(this.input.links.map((link) => [link.refundId, link]));
    for (const [refundId, link] of this.simulated ?? []) rows.set(refundId, link);
    return [...rows.values()].sort((a, b) => Number(a.refundId) - Number(b.refundId));
  }

  private get simulated(): Map<string, RefundCreditEntity> | undefined {
    return this.input.seen.get(simulatedRowsKey(this.input.connectionId, this.input.order.id)) as Map<string, RefundCreditEntity> | undefined;
  }

  add(key: string, write: PlannedWrite): void {
    const seenKey = `${key}:${this.input.connectionId}:${this.input.order.id}`;
    if (this.input.seen.has(seenKey)) return;
    this.input.seen.set(seenKey, true);
    this.list.push(write);
  }

  /** What the live run would have made of the refund's row. */
  simulate(refundId: number, changes: Partial<RefundCreditEntity>): void {
    const current = this.links.find((link) => link.refundId === String(refundId));
    const base = current ?? ({ connectionId: this.input.connectionId, refundId: String(refundId), orderId: String(this.input.order.id), createdAt: new Date() } as RefundCreditEntity);
    const key = simulatedRowsKey(this.input.connectionId, this.input.order.id);
    if (!this.input.seen.has(key)) this.input.seen.set(key, new Map<string, RefundCreditEntity>());
    this.simulated!.set(String(refundId), { ...base, ...changes } as RefundCreditEntity);
  }

  /** `found`: how a credit note the records do not hold was found. */
  voidCreditNote(link: RefundCreditEntity, why: string, found?: string): void {
    const name = `credit note ${link.creditNoteNumber ?? link.creditNoteId} of refund ${link.refundId}${found ? ` (${found})` : ''}`;
    this.add(`void-credit:${link.refundId}`, { action: 'void-credit-note', message: `would void ${name}: ${why}` });
    this.simulate(Number(link.refundId), { state: 'voided', creditNoteId: link.creditNoteId, creditNoteNumber: link.creditNoteNumber });
  }

  /** deleteCashRefund: Zoho voids no credit note with refunds, so the money given back is taken back first. */
  takeBack(link: RefundCreditEntity): void {
    this.add(`take-back:${link.refundId}`, {
      action: 'take-back-refund',
      message: `would delete the refund of ${link.cashRefundedAmount} to the customer recorded on credit note ${link.creditNoteNumber ?? link.creditNoteId} (refund ${link.refundId}), so that it can be voided`,
    });
    this.simulate(Number(link.refundId), { cashRefundId: null, cashRefundedAmount: null });
  }

  /** giveBack: what the paid invoice cannot take goes back from the deposit account; without one, nothing is written. What went back. */
  giveBack(refundId: number, note: string, amount: Decimal): Decimal {
    if (!amount.isPositive() || !this.input.settings.paymentAccountId) return Decimal.ZERO;
    this.add(`give-back:${refundId}`, { action: 'give-back-credit', message: `would refund ${amount.toString()} of ${note} (refund ${refundId}) to the customer from the deposit account (settings.paymentAccountId): the order's payment is booked` });
    return amount;
  }
}
