import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError, Logger } from '@connector/common';
import type { WooCustomer, WooOrder } from '@connector/contracts';
import { LOGGER, StoreClients } from '@connector/platform';
import { AuditTrail, ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { WooNotFoundError, type WooClient } from '@connector/woocommerce';
import { creditCheckDue, describeAge } from './credit-check-schedule';
import { runExclusive } from './exclusive';
import { walkModifiedSince } from './modified-walk';
import { checkpointAfterPass } from './pass-checkpoint';
import { LackingSnapshot, PipelineState, StoreSnapshot } from './pipeline-state';
import { ReconcileCheckpoints } from './reconcile-checkpoints';
import { OutOfStepOrders, outOfStepAtLastPass, publishesAgain, REFUND_WINDOW_MS, refundPassDue } from './refund-pass';
import { modifiedOf } from './snapshot-lag';
import { SnapshotPublisher, SnapshotResource } from './snapshot-publisher';
import { CreditSweep, describeSweep, emptySweep, RefundSweep, ResourceSweep, SweepResult } from './sweep-result';
import { WebhookHealthService } from './webhook-health.service';
import { compareWooGmt, laterWooGmt, shiftWooGmt, toWooGmt } from './woo-gmt';

/**
 * Seconds re-read before each checkpoint: `modified_after` is exclusive, times have one-second
 * resolution, and a save can become visible a moment after a later one.
 */
export const OVERLAP_SECONDS = 5;
const BATCH_SIZE = 100;
/** A manual sweep waits this long for one running on another instance before answering 409. */
const MANUAL_WAIT_MS = 30_000;

/**
 * The reconciliation sweep of one connection: WooCommerce sends each webhook once and gives up on
 * failures, so every few minutes the store's REST API is asked what changed since the last
 * checkpoint, and whatever the sync services have not applied is fed into the pipeline. One
 * instance sweeps a connection at a time. Connections waiting for Zoho re-authorization are swept
 * too: their events wait in the stream.
 */
@Injectable()
export class ReconcileService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly clients: StoreClients,
    private readonly checkpoints: ReconcileCheckpoints,
    private readonly state: PipelineState,
    private readonly publisher: SnapshotPublisher,
    private readonly webhooks: WebhookHealthService,
    private readonly audit: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A sweep asked for through the admin API: waits briefly for a running one, then 409. */
  async sweepNow(connectionId: string): Promise<SweepResult> {
    const connection = await this.connections.find(connectionId);
    if (!connection) throw new NotFoundException(`Connection ${connectionId} does not exist`);
    const outcome = await runExclusive(this.dataSource, lockKey(connectionId), () => this.sweep(connection, 'manual'), MANUAL_WAIT_MS);
    if (!outcome.ran) throw new ConflictException(`A sweep of connection ${connectionId} is running on another instance; try again in a minute`);
    return outcome.value;
  }

  /** A scheduled sweep: skipped (undefined) when another instance is sweeping this connection. */
  async sweepIfFree(connection: ConnectionEntity): Promise<SweepResult | undefined> {
    const outcome = await runExclusive(this.dataSource, lockKey(connection.id), () => this.sweep(connection, 'schedule'));
    return outcome.ran ? outcome.value : undefined;
  }

  private async sweep(connection: ConnectionEntity, trigger: SweepResult['trigger']): Promise<SweepResult> {
    const startedAt = new Date().toISOString();
    const client = this.clients.forConnection(connection);
    const webhooks = await this.webhooks.checkAndRepair(connection, client);
    const orders = await this.sweepOrders(connection, client);
    const customers = await this.sweepCustomers(connection, client);
    const credits = await this.sweepCredits(connection, client, trigger);
    const refunds = await this.sweepRefunds(connection, client, trigger);
    const result: SweepResult = {
      connectionId: connection.id,
      trigger,
      ok: !orders.error && !customers.error && !credits.error && !refunds.error && !webhooks.error,
      startedAt,
      finishedAt: new Date().toISOString(),
      webhooks,
      orders,
      customers,
      credits,
      refunds,
    };
    const summary = describeSweep(result);
    await this.audit.record({
      connectionId: connection.id,
      service: 'token-service',
      resource: 'connection',
      resourceId: connection.id,
      action: 'reconcile',
      outcome: result.ok ? 'ok' : 'failed',
      message: `${trigger} sweep: ${summary}`,
      detail: { orders, customers, credits, refunds, webhooks: { healthy: webhooks.healthy, repaired: webhooks.repaired, problems: webhooks.problems } },
    });
    const log = { connectionId: connection.id, trigger, orders: counts(orders), customers: counts(customers) };
    if (result.ok) this.logger.info(log, `reconciliation sweep: ${summary}`);
    else this.logger.warn(log, `reconciliation sweep incomplete: ${summary}`);
    return result;
  }

  /** Orders by modification time, in batches, checkpointed after each. */
  private async sweepOrders(connection: ConnectionEntity, client: WooClient): Promise<ResourceSweep> {
    const from = (await this.checkpoints.get(connection.id, 'order')) ?? firstCheckpoint(connection);
    const sweep = emptySweep(from);
    try {
      const batches = walkModifiedSince<WooOrder>(
        {
          list: (modifiedAfter) => client.listOrders({ modifiedAfter, orderBy: 'modified', order: 'asc' }),
          idOf: (order) => order.id,
          modifiedOf: (order) => modifiedOf(order),
        },
        { from, overlapSeconds: OVERLAP_SECONDS, batchSize: BATCH_SIZE },
      );
      for await (const batch of batches) {
        await this.feed(connection, 'order', batch.items, await this.state.lackingOrders(connection.id, batch.items), sweep);
        sweep.checkpoint = batch.checkpoint;
        await this.checkpoints.save(connection.id, 'order', sweep.checkpoint);
      }
    } catch (error) {
      sweep.error = describeError(error);
    }
    // Saved even when nothing changed: the time of the sweep paces the schedule across instances.
    await this.checkpoints.save(connection.id, 'order', sweep.checkpoint, counts(sweep));
    return sweep;
  }

  /**
   * Customers: WooCommerce's customers endpoint filters neither by modification time nor sorts by
   * it, so the whole list is read (by id, stable while customers change) and filtered here. The
   * checkpoint moves only after a complete pass, and no further than the pass's start
   * (checkpointAfterPass): a customer read early and changed during the pass is read by the next.
   * The pass is timed by Connector's clock (WooClient does not expose the store's Date header);
   * the overlap absorbs a store clock a few seconds behind.
   */
  private async sweepCustomers(connection: ConnectionEntity, client: WooClient): Promise<ResourceSweep> {
    const passStartedAt = new Date();
    const from = (await this.checkpoints.get(connection.id, 'customer')) ?? firstCheckpoint(connection);
    const after = shiftWooGmt(from, -OVERLAP_SECONDS);
    const sweep = emptySweep(from);
    let newest = from;
    try {
      let batch: WooCustomer[] = [];
      const flush = async () => {
        await this.feed(connection, 'customer', batch, await this.state.lackingCustomers(connection.id, batch), sweep);
        batch = [];
      };
      for await (const customer of client.listCustomers({ orderBy: 'id', order: 'asc' })) {
        const modified = modifiedOf(customer);
        if (!modified || compareWooGmt(modified, after) <= 0) continue;
        newest = laterWooGmt(newest, modified);
        batch.push(customer);
        if (batch.length >= BATCH_SIZE) await flush();
      }
      await flush();
      sweep.checkpoint = checkpointAfterPass(from, newest, passStartedAt, OVERLAP_SECONDS);
    } catch (error) {
      sweep.error = describeError(error);
    }
    await this.checkpoints.save(connection.id, 'customer', sweep.checkpoint, counts(sweep));
    return sweep;
  }

  /**
   * Credit notes left open on a draft invoice wait for the owner to send it in Zoho, and nothing
   * tells the store or Connector when she does: an order that never changes again would keep its
   * credit open. Each such order due a check (creditCheckDue; every one on a manual sweep) is read
   * from the store and published as a snapshot; invoice-sync reads its invoice (one Zoho call) and
   * applies the credit once it is sent. The pass's time moves only when every due order was
   * published, so a store that failed part-way is checked again by the next sweep.
   */
  private async sweepCredits(connection: ConnectionEntity, client: WooClient, trigger: SweepResult['trigger']): Promise<CreditSweep> {
    const now = new Date();
    const sweep: CreditSweep = { awaiting: 0, published: 0, gone: 0 };
    try {
      const awaiting = await this.state.awaitingSentInvoice(connection.id);
      sweep.awaiting = awaiting.length;
      // Most sweeps find nothing waiting: no pass to time (a credit made later counts from its own time).
      if (awaiting.length === 0) return sweep;
      const lastPass = await this.checkpoints.sweptAt(connection.id, 'credit');
      for (const waiting of awaiting) {
        if (trigger !== 'manual' && !creditCheckDue(waiting.since, lastPass, now)) continue;
        let order: WooOrder;
        try {
          order = await client.getOrder(waiting.orderId);
        } catch (error) {
          if (!(error instanceof WooNotFoundError)) throw error;
          sweep.gone += 1;
          continue;
        }
        const credits = waiting.creditNoteNumbers.join(', ');
        const why = `credit note ${credits} waits for invoice ${waiting.invoiceNumber ?? waiting.invoiceId} to be sent in Zoho (open ${describeAge(now.getTime() - waiting.since.getTime())}); invoice-sync checks it`;
        await this.publisher.publish(connection, 'order', order, { origin: 'reconcile', why, checkAt: now });
        sweep.published += 1;
      }
      await this.checkpoints.save(connection.id, 'credit', toWooGmt(now), { ...sweep });
    } catch (error) {
      sweep.error = describeError(error);
    }
    return sweep;
  }

  /**
   * Refunds the order walk cannot see: before WooCommerce 7.6 a partial refund leaves the order's
   * date_modified as it was, and deleting a refund never moves it, so an order whose
   * `order.updated` was lost (or, for a deletion before 11.2, never sent) is listed by no
   * `modified_after`. So once a day (every manual sweep) the orders created in the last 90 days
   * are read, newest first, and each invoiced one whose refunds differ from invoice-sync's credit
   * note records is published; invoice-sync books what is missing once (the refund→credit note
   * link is claimed) and records it, so the order is in step at the next pass. Only the store's
   * REST API and PostgreSQL are used. The pass's time moves only after a complete pass.
   */
  private async sweepRefunds(connection: ConnectionEntity, client: WooClient, trigger: SweepResult['trigger']): Promise<RefundSweep> {
    const now = new Date();
    const sweep: RefundSweep = { ran: false, examined: 0, published: 0, duplicates: 0, unchanged: 0 };
    try {
      if (!refundPassDue(trigger, await this.checkpoints.sweptAt(connection.id, 'refund'), now)) return sweep;
      sweep.ran = true;
      const lastPass = outOfStepAtLastPass(await this.checkpoints.lastResult(connection.id, 'refund'));
      const outOfStep: OutOfStepOrders = {};
      const windowStart = toWooGmt(new Date(now.getTime() - REFUND_WINDOW_MS));
      // Newest first: the walk stops at the window's start. An order placed meanwhile pushes the
      // rest a place down (one read twice, dropped here); one trashed meanwhile pulls them up, and
      // the order that skips is read by the next day's pass.
      const seen = new Set<number>();
      let batch: WooOrder[] = [];
      const flush = async () => {
        sweep.examined += batch.length;
        for (const { item, why } of await this.state.unbookedRefunds(connection.id, batch)) {
          if (!publishesAgain(trigger, item.id, why, lastPass, now)) {
            outOfStep[item.id] = lastPass[item.id]!;
            sweep.unchanged! += 1;
            continue;
          }
          outOfStep[item.id] = { why, publishedAt: now.toISOString() };
          const published = await this.publisher.publish(connection, 'order', item, { origin: 'reconcile', why });
          if (published.duplicate) sweep.duplicates += 1;
          else sweep.published += 1;
        }
        batch = [];
      };
      for await (const order of client.listOrders({ orderBy: 'date', order: 'desc' })) {
        const created = order.date_created_gmt;
        if (created && compareWooGmt(created, windowStart) < 0) break;
        if (seen.has(order.id)) continue;
        seen.add(order.id);
        batch.push(order);
        if (batch.length >= BATCH_SIZE) await flush();
      }
      await flush();
      await this.checkpoints.save(connection.id, 'refund', toWooGmt(now), { examined: sweep.examined, published: sweep.published, duplicates: sweep.duplicates, unchanged: sweep.unchanged, outOfStep });
    } catch (error) {
      sweep.error = describeError(error);
    }
    return sweep;
  }

  private async feed<T extends StoreSnapshot>(
    connection: ConnectionEntity,
    resource: SnapshotResource,
    items: readonly T[],
    lacking: Array<LackingSnapshot<T>>,
    sweep: ResourceSweep,
  ): Promise<void> {
    sweep.examined += items.length;
    sweep.inStep += items.length - lacking.length;
    for (const { item, why } of lacking) {
      const published = await this.publisher.publish(connection, resource, item, { origin: 'reconcile', why });
      if (published.duplicate) sweep.duplicates += 1;
      else sweep.published += 1;
    }
  }
}

export function lockKey(connectionId: string): string {
  return `reconcile:${connectionId}`;
}

/** A connection's first sweep starts where its webhooks started: history is the backfill's job. */
function firstCheckpoint(connection: ConnectionEntity): string {
  return toWooGmt(connection.createdAt);
}

function counts(sweep: ResourceSweep) {
  const { examined, published, duplicates, inStep, checkpoint, error } = sweep;
  return { examined, published, duplicates, inStep, checkpoint, ...(error ? { error } : {}) };
}
