import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError, Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { ConnectionEntity, connectionSettings, ConnectionStore, UNSENT_INVOICE_REASON, ZohoRateLimiter } from '@connector/persistence';
import { runExclusive } from '../reconciliation/exclusive';
import { PeriodicTask } from '../reconciliation/periodic-task';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { CAUSES, quotaNearlySpent, quotaRefusedUntil } from './alert-conditions';
import { AlertCauses } from './alert-causes';
import { AlertNotifier } from './alert-notifier';
import { failedOrdersText, FailedOrderLine, failedPaymentsText, failedRefundsText, FailedRefundLine, quotaRefusedText, quotaText, reauthorizationText, unsentInvoicesText } from './alert-texts';

/** Failed orders alerted per connection and poll; more wait for the next poll. */
const FAILED_ORDERS_PER_POLL = 100;

/** The tables whose failed rows are claimed (`alerted_at`) and alerted, and each one's key within its connection. */
type ClaimedTable = { table: 'order_syncs' | 'order_payments'; key: 'order_id' } | { table: 'refund_credits'; key: 'refund_id' };

/**
 * Every ALERT_POLL_SECONDS, one token-service instance at a time looks for alert causes that no
 * event announces by itself: orders that ended `failed`, refunds whose credit note failed, payments that failed, connections waiting for Zoho
 * re-authorization, organizations close to their daily Zoho quota and those Zoho refused for the
 * rest of the day. (Disabled webhooks are found by the reconciliation sweep.) An alert the webhook
 * does not accept is tried again on a later poll: its cause is closed, its rows un-claimed.
 */
@Injectable()
export class AlertPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly limiter: ZohoRateLimiter;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly notifier: AlertNotifier,
    private readonly causes: AlertCauses,
    @Inject(SERVICE_CONFIG) config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.limiter = new ZohoRateLimiter(dataSource);
    this.task = new PeriodicTask('alert poll', config.ALERT_POLL_SECONDS * 1000, () => this.pollOnce(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One poll across all connections (skipped while another instance polls). */
  async pollOnce(): Promise<void> {
    await runExclusive(this.dataSource, 'alerts:poll', async () => {
      await this.forgetRecoveredOrders();
      for (const connection of await this.connections.list()) {
        if (!this.connections.hasAlertWebhook(connection)) continue;
        try {
          await this.failedOrders(connection);
          await this.failedRefunds(connection);
          await this.failedPayments(connection);
          await this.unsentInvoices(connection);
          await this.reauthorization(connection);
          await this.quota(connection);
        } catch (error) {
          this.logger.error({ connectionId: connection.id, err: describeError(error) }, 'alert checks failed for a connection');
        }
      }
    });
  }

  /**
   * An order that recovered loses its mark, so failing again later is a new alert. A synced order
   * whose invoice could not be marked as sent has not recovered yet: it keeps its mark.
   */
  private async forgetRecoveredOrders(): Promise<void> {
    await this.dataSource.query(
      `UPDATE order_syncs SET alerted_at = NULL
        WHERE alerted_at IS NOT NULL AND state IN ('synced', 'voided', 'skipped')
          AND NOT (state = 'synced' AND starts_with(coalesce(reason, ''), $1))`,
      [UNSENT_INVOICE_REASON],
    );
    await this.dataSource.query(`UPDATE refund_credits SET alerted_at = NULL WHERE alerted_at IS NOT NULL AND state IN ('credited', 'voided')`);
    await this.dataSource.query(`UPDATE order_payments SET alerted_at = NULL WHERE alerted_at IS NOT NULL AND state IN ('recorded', 'skipped')`);
  }

  private async failedOrders(connection: ConnectionEntity): Promise<void> {
    if (!this.notifier.due(connection.id, 'order-failed')) return;
    // Claimed before sending: each failure is alerted once even if an instance dies mid-send.
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows]: [Array<{ order_id: string; order_number: string | null; reason: string | null }>, number] = await this.dataSource.query(
      `UPDATE order_syncs SET alerted_at = now()
        WHERE connection_id = $1 AND order_id IN (
          SELECT order_id FROM order_syncs
           WHERE connection_id = $1 AND state = 'failed' AND alerted_at IS NULL
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING order_id::text AS order_id, order_number, reason`,
      [connection.id, FAILED_ORDERS_PER_POLL],
    );
    if (rows.length === 0) return;
    const orders: FailedOrderLine[] = rows.map((row) => ({ orderId: row.order_id, orderNumber: row.order_number, reason: row.reason }));
    const sent = await this.notifier.send(connection, 'order-failed', failedOrdersText(connection.name, orders));
    if (!sent) await this.unclaim(connection, { table: 'order_syncs', key: 'order_id' }, rows.map((row) => row.order_id));
  }

  /** Refunds whose credit note failed (their order's invoice is fine): claimed and alerted once, as failed orders are. */
  private async failedRefunds(connection: ConnectionEntity): Promise<void> {
    if (!this.notifier.due(connection.id, 'refund-failed')) return;
    const rows = await this.claimFailedFollowUps(connection, 'refund_credits', 'refund_id');
    if (rows.length === 0) return;
    const refunds: FailedRefundLine[] = rows.map((row) => ({ orderId: row.order_id, orderNumber: row.order_number, refundId: row.id, reason: row.reason }));
    const sent = await this.notifier.send(connection, 'refund-failed', failedRefundsText(connection.name, refunds));
    if (!sent) await this.unclaim(connection, { table: 'refund_credits', key: 'refund_id' }, rows.map((row) => row.id));
  }

  /** Payments that failed (their order's invoice is fine): claimed and alerted once, as failed orders are. */
  private async failedPayments(connection: ConnectionEntity): Promise<void> {
    if (!this.notifier.due(connection.id, 'payment-failed')) return;
    const rows = await this.claimFailedFollowUps(connection, 'order_payments', 'order_id');
    if (rows.length === 0) return;
    const orders: FailedOrderLine[] = rows.map((row) => ({ orderId: row.order_id, orderNumber: row.order_number, reason: row.reason }));
    const sent = await this.notifier.send(connection, 'payment-failed', failedPaymentsText(connection.name, orders));
    if (!sent) await this.unclaim(connection, { table: 'order_payments', key: 'order_id' }, rows.map((row) => row.id));
  }

  /** Invoices written but not marked as sent (settings.invoiceStatus): claimed and alerted once, as failed orders are. */
  private async unsentInvoices(connection: ConnectionEntity): Promise<void> {
    if (!this.notifier.due(connection.id, 'invoice-not-sent')) return;
    const [rows]: [Array<{ order_id: string; order_number: string | null; reason: string | null }>, number] = await this.dataSource.query(
      `UPDATE order_syncs SET alerted_at = now()
        WHERE connection_id = $1 AND order_id IN (
          SELECT order_id FROM order_syncs
           WHERE connection_id = $1 AND state = 'synced' AND reason IS NOT NULL AND alerted_at IS NULL AND starts_with(reason, $3)
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING order_id::text AS order_id, order_number, reason`,
      [connection.id, FAILED_ORDERS_PER_POLL, UNSENT_INVOICE_REASON],
    );
    if (rows.length === 0) return;
    const orders: FailedOrderLine[] = rows.map((row) => ({ orderId: row.order_id, orderNumber: row.order_number, reason: row.reason?.slice(UNSENT_INVOICE_REASON.length) ?? null }));
    const sent = await this.notifier.send(connection, 'invoice-not-sent', unsentInvoicesText(connection.name, orders));
    if (!sent) await this.unclaim(connection, { table: 'order_syncs', key: 'order_id' }, rows.map((row) => row.order_id));
  }

  /** Gives back rows claimed for an alert that was not delivered, so a later poll alerts them. */
  private async unclaim(connection: ConnectionEntity, { table, key }: ClaimedTable, ids: readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE ${table} SET alerted_at = NULL WHERE connection_id = $1 AND ${key} = ANY($2::bigint[])`, [connection.id, ids]);
  }

  /**
   * Claims the failed, not yet alerted rows of a step after the invoice (a refund's credit note, a
   * payment; `key` names a row within its connection), with their order's number. Claimed before
   * sending, so each failure is alerted once even if an instance dies mid-send.
   */
  private async claimFailedFollowUps(
    connection: ConnectionEntity, table: 'refund_credits' | 'order_payments', key: 'refund_id' | 'order_id',
  ): Promise<Array<{ order_id: string; order_number: string | null; id: string; reason: string | null }>> {
    const [rows] = await this.dataSource.query(
      `UPDATE ${table} f SET alerted_at = now()
         FROM order_syncs o
        WHERE f.connection_id = $1 AND f.${key} IN (
          SELECT ${key} FROM ${table}
           WHERE connection_id = $1 AND state = 'failed' AND alerted_at IS NULL
           ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND o.connection_id = f.connection_id AND o.order_id = f.order_id
        RETURNING f.order_id::text AS order_id, o.order_number, f.${key}::text AS id, f.reason`,
      [connection.id, FAILED_ORDERS_PER_POLL],
    );
    return rows;
  }

  private async reauthorization(connection: ConnectionEntity): Promise<void> {
    if (connection.status === 'needs_reauthorization') {
      await this.notifier.raise(connection, CAUSES.reauthorization, () => reauthorizationText(connection.name, connection.statusReason));
    } else {
      await this.notifier.clear(connection.id, CAUSES.reauthorization);
    }
  }

  /**
   * The organization's daily Zoho quota: a warning at 90 % when the limit is known (Zoho reports
   * it, or the owner set it), and (known or not) an alert when Zoho refused the rest of the day's
   * calls. Each once per quota day: Zoho's own day when it reports its count, else the database's.
   */
  private async quota(connection: ConnectionEntity): Promise<void> {
    const organizationId = connection.zohoOrganizationId;
    if (!organizationId) {
      await this.causes.closeFamily(connection.id, CAUSES.quotaPrefix);
      await this.causes.closeFamily(connection.id, CAUSES.quotaRefusedPrefix);
      return;
    }
    const usage = await this.limiter.usage(organizationId);
    const { quota } = usage;
    const nearlySpent = CAUSES.quota(quota.period);
    const refused = CAUSES.quotaRefused(quota.period);
    await this.causes.closeFamily(connection.id, CAUSES.quotaPrefix, nearlySpent);
    await this.causes.closeFamily(connection.id, CAUSES.quotaRefusedPrefix, refused);
    const resumesAt = quotaRefusedUntil(usage, usage.now);
    if (resumesAt) {
      await this.notifier.raise(connection, refused, () => quotaRefusedText(connection.name, resumesAt));
    }
    // Zoho's own limit when it reports one: support can raise it beyond the plan the owner entered.
    const limit = quota.limit ?? connectionSettings(connection).zohoDailyLimit;
    if (limit && quotaNearlySpent(quota.used, limit)) {
      await this.notifier.raise(connection, nearlySpent, () => quotaText(connection.name, quota.used, limit, quota.resetsAt));
    }
  }
}
