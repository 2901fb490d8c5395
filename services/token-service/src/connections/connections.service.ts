import { BadGatewayException, BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeError, Logger } from '@connector/common';
import { RPC, SUBSCRIBED_TOPICS, SyncCatalogReply, SyncCatalogRequest } from '@connector/contracts';
import { NatsRpcClient } from '@connector/messaging';
import { randomSecret } from '@connector/crypto';
import { LOGGER, StoreClients } from '@connector/platform';
import { AuditTrail, ConnectionEntity, connectionSettings, ConnectionStore, SettingsChange, withAdvisoryLock, ZohoRateLimiter, ZohoTokenEntity } from '@connector/persistence';
import { alertUrlAddressProblem } from '../alerts/alert-url';
import { assertStoreResolvesPublicly, normalizeStoreUrl, webhookName } from '@connector/woocommerce';
import { assertAccountsUrl, pingZoho, ZohoBooksClient, ZohoOAuthClient } from '@connector/zoho-books';
import { upstreamFailure } from '../http/upstream-failure';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { ZohoTokenManager } from '../zoho/zoho-token.manager';
import { ChangeConnectionSettingsDto, ConnectionSettingsDto, CreateConnectionDto, RotateWebhookSecretDto, UpdateWooCredentialsDto, UpdateZohoCredentialsDto } from './dto/create-connection.dto';
import { assessWebhooks } from '../reconciliation/webhook-health';
import { connectionView, webhookUrl } from './connection.view';
import { connectionsBookingTheSame, duplicateMessage } from './duplicate-connection';
import { removeStoreWebhooks } from './store-webhook-removal';
import { WebhookDeliveryCheck } from './webhook-delivery-check';
import { checkZohoCredentials } from './zoho-credentials-check';
import { checkZohoScopes } from './zoho-scope-check';

export interface PingReport {
  at: string;
  woocommerce: { ok: boolean; error?: string; [key: string]: unknown };
  zoho: { ok: boolean; error?: string; [key: string]: unknown };
}

/** Held while a connection is created or restored, so two at once cannot both pass the duplicate check. */
const CONNECTION_IDENTITY_LOCK = 'connections:store-and-organization';

/** Start of the webhooks' names in the store (WooCommerce → Settings → Advanced → Webhooks). */
const WEBHOOK_NAME_PREFIX = 'Connector';

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly store: ConnectionStore,
    private readonly tokens: ZohoTokenManager,
    private readonly dataSource: DataSource,
    private readonly rpc: NatsRpcClient,
    private readonly stores: StoreClients,
    private readonly audit: AuditTrail,
    private readonly deliveryCheck: WebhookDeliveryCheck,
    private readonly oauth: ZohoOAuthClient,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(dto: CreateConnectionDto): Promise<ConnectionEntity> {
    const allowPrivate = this.config.ALLOW_PRIVATE_ENDPOINTS;
    const storeUrl = field('woocommerce.url', () => normalizeStoreUrl(dto.woocommerce.url, { allowPrivate }));
    await resolvedField('woocommerce.url', () => assertStoreResolvesPublicly(storeUrl, { allowPrivate }));
    const accountsUrl = field('zoho.accountsUrl', () => assertAccountsUrl(dto.zoho.accountsUrl, { allowPrivate }));
    const alertProblem = dto.settings?.alertWebhookUrl ? await alertUrlAddressProblem(dto.settings.alertWebhookUrl, allowPrivate) : null;
    if (alertProblem) throw new BadRequestException(`settings.alertWebhookUrl: ${alertProblem}`);
    const organizationId = dto.zoho.organizationId ?? null;
    const connection = await withAdvisoryLock(this.dataSource, CONNECTION_IDENTITY_LOCK, async () => {
      const [existing] = connectionsBookingTheSame(await this.store.listIncludingDeleted(), storeUrl, organizationId);
      if (existing) throw new ConflictException(duplicateMessage(existing, organizationId!));
      return this.store.create({
        name: dto.name.trim(),
        storeUrl,
        woo: { consumerKey: dto.woocommerce.consumerKey.trim(), consumerSecret: dto.woocommerce.consumerSecret.trim() },
        webhookSecret: dto.woocommerce.webhookSecret ?? randomSecret(),
        zohoAccountsUrl: accountsUrl,
        zoho: { clientId: dto.zoho.clientId.trim(), clientSecret: dto.zoho.clientSecret.trim(), refreshToken: dto.zoho.refreshToken.trim() },
        zohoOrganizationId: organizationId,
        settings: withoutAlertUrl(dto.settings),
        alertWebhookUrl: dto.settings?.alertWebhookUrl,
      });
    });
    this.logger.info({ connectionId: connection.id, storeUrl }, 'connection created');
    // Resolve the product → item mapping up front so the first orders rarely wait for lookups.
    // In the background: the store may have thousands of products, paced by Zoho's rate limit.
    this.rpc
      .call<SyncCatalogReply>(RPC.syncCatalog, { connectionId: connection.id } satisfies SyncCatalogRequest, 30 * 60_000)
      .then((result) => this.logger.info({ connectionId: connection.id, ...result }, 'catalogue mapped'))
      .catch((error) => this.logger.warn({ connectionId: connection.id, err: describeError(error) }, 'catalogue mapping did not finish; it runs again on demand'));
    return connection;
  }

  list(): Promise<ConnectionEntity[]> {
    return this.store.list();
  }

  async get(id: string): Promise<ConnectionEntity> {
    const connection = await this.store.find(id);
    if (!connection) throw new NotFoundException(`Connection ${id} does not exist`);
    return connection;
  }

  /**
   * Hides the connection; its records, links and credentials stay, so restore() can bring it back
   * (a new connection for the same store and organization is refused for that reason). The
   * store's webhooks for it are deleted, best effort: the answer says which, or why not.
   */
  async remove(id: string) {
    const connection = await this.get(id);
    if (!(await this.store.softDelete(id))) throw new NotFoundException(`Connection ${id} does not exist`);
    const deliveryUrl = webhookUrl(this.config.PUBLIC_URL, id);
    const webhooks = await removeStoreWebhooks(this.stores.forConnection(connection), deliveryUrl);
    const removed = webhooks.removed.length > 0 ? `the store's webhooks ${webhooks.removed.join(', ')} removed` : "no store webhook delivered to it";
    await this.audit.record({
      connectionId: id,
      service: 'token-service',
      resource: 'connection',
      resourceId: id,
      action: 'delete-connection',
      outcome: webhooks.error ? 'failed' : 'ok',
      message: `connection deleted (POST /api/connections/${id}/restore brings it back); ${webhooks.error ?? removed}`,
    });
    this.logger.info({ connectionId: id, removedWebhooks: webhooks.removed, err: webhooks.error }, 'connection deleted');
    return { id, deleted: true, webhooks: { deliveryUrl, ...webhooks } };
  }

  /**
   * Undoes a delete: the connection comes back with its order records, links and credentials, so
   * the orders it booked are not booked again. Its webhooks come back only when asked
   * (`registerWebhooks`); a store that cannot be reached then does not undo the restore.
   */
  async restore(id: string, options: { registerWebhooks: boolean }) {
    const deleted = await withAdvisoryLock(this.dataSource, CONNECTION_IDENTITY_LOCK, async () => {
      const found = await this.store.findDeleted(id);
      if (!found) {
        if (await this.store.find(id)) throw new ConflictException(`Connection ${id} is not deleted`);
        throw new NotFoundException(`Connection ${id} does not exist`);
      }
      const [live] = connectionsBookingTheSame(await this.store.list(), found.storeUrl, found.zohoOrganizationId);
      if (live) {
        throw new ConflictException(
          `connection ${live.id} ("${live.name}") now books ${live.storeUrl} into Zoho organization ${live.zohoOrganizationId}; two live connections would invoice each order twice. Delete that one first`,
        );
      }
      await this.store.restore(id);
      return found;
    });
    // Events of this connection still queued when it was deleted were skipped (the connection did
    // not exist); deliveries while it was deleted were refused. The sweep fetches what changed.
    const catchUp =
      `orders changed while it was deleted (since ${deleted.deletedAt!.toISOString()}) are fetched by the next reconciliation sweep; ` +
      `POST /api/connections/${id}/replay with fromTime ${deleted.deletedAt!.toISOString()} re-runs the events it skipped (never a second invoice)`;
    let webhooks: Awaited<ReturnType<ConnectionsService['registerWebhooks']>> | { error: string } | null = null;
    if (options.registerWebhooks) {
      webhooks = await this.registerWebhooks(id).catch((error: unknown) => ({ error: `the store's webhooks could not be registered: ${describeError(error)}; POST /api/connections/${id}/webhooks retries` }));
    }
    const webhookNote = webhooks === null ? "the store's webhooks were not registered (?registerWebhooks=true or POST …/webhooks does it)" : 'error' in webhooks ? webhooks.error : "the store's webhooks registered";
    await this.audit.record({
      connectionId: id,
      service: 'token-service',
      resource: 'connection',
      resourceId: id,
      action: 'restore-connection',
      outcome: webhooks !== null && 'error' in webhooks ? 'failed' : 'ok',
      message: `connection restored with its records, links and credentials; ${webhookNote}; ${catchUp}`,
    });
    this.logger.info({ connectionId: id, registerWebhooks: options.registerWebhooks }, 'connection restored');
    return { connection: connectionView(await this.get(id), this.config.PUBLIC_URL), webhooks, catchUp };
  }

  /** Calls both systems with the stored credentials and reports each result in words. */
  async ping(id: string): Promise<PingReport> {
    const connection = await this.get(id);
    const [woocommerce, zoho] = await Promise.all([this.pingWoo(connection), this.pingZoho(connection)]);
    const report: PingReport = { at: new Date().toISOString(), woocommerce, zoho };
    await this.store.update(id, { lastPing: report });
    return report;
  }

  /** Registers (or repairs) the store's webhooks pointing at this connection's gateway URL. */
  async registerWebhooks(id: string) {
    const connection = await this.get(id);
    const deliveryUrl = webhookUrl(this.config.PUBLIC_URL, id);
    const { webhooks, deliveryCheck } = await this.deliveryCheck.around(id, deliveryUrl, () =>
      this.stores.forConnection(connection).ensureWebhooks({
        deliveryUrl,
        secret: this.store.webhookSecret(connection),
        topics: [...SUBSCRIBED_TOPICS],
        namePrefix: WEBHOOK_NAME_PREFIX,
      }),
    );
    await this.store.storeRekeyed(connection);
    if (deliveryCheck.status === 'not-reached') this.logger.warn({ connectionId: id }, `webhooks registered, but ${deliveryCheck.message}`);
    return { deliveryUrl, webhooks, deliveryCheck };
  }

  /**
   * A new webhook secret (after a leak, or as routine): stored sealed, then the store's webhooks
   * are re-keyed with it. WooCommerce signs each delivery as it sends it, so those in flight during
   * the change carry the old signature: the old secret stays accepted for `graceMinutes` (0 after
   * a leak). A store that cannot be re-keyed now keeps signing with the old secret; the answer says
   * so (502), and POST …/webhooks (or the reconciliation sweep's webhook repair) finishes it.
   */
  async rotateWebhookSecret(id: string, dto: RotateWebhookSecretDto) {
    const connection = await this.get(id);
    if (connection.storeSignsWithPreviousSecret) await this.noteRekeyedMeanwhile(connection);
    const graceMinutes = dto.graceMinutes ?? 60;
    const until = await this.store.rotateWebhookSecret(id, randomSecret(), graceMinutes * 60_000);
    const oldAccepted = graceMinutes > 0 ? `the old secret is accepted until ${until.toISOString()}` : 'the old secret is no longer accepted';
    const note = (outcome: 'ok' | 'failed', message: string) =>
      this.audit.record({ connectionId: id, service: 'token-service', resource: 'connection', resourceId: id, action: 'rotate-webhook-secret', outcome, message });
    try {
      const registered = await this.registerWebhooks(id);
      await note('ok', `webhook secret rotated and the store's webhooks re-keyed; ${oldAccepted}`);
      this.logger.info({ connectionId: id, graceMinutes }, 'webhook secret rotated');
      return { ...registered, previousSecretAcceptedUntil: graceMinutes > 0 ? until.toISOString() : null };
    } catch (error) {
      const message = `webhook secret rotated, but the store's webhooks could not be re-keyed: ${describeError(error)}; ${oldAccepted}; POST /api/connections/${id}/webhooks retries`;
      await note('failed', message);
      this.logger.warn({ connectionId: id, err: describeError(error) }, 'webhook secret rotated; store not re-keyed');
      throw new BadGatewayException(message);
    }
  }

  /**
   * The last rotation did not reach the store, but the store may have been re-keyed since by the
   * reconciliation sweep's webhook repair. Each webhook's name carries its secret's fingerprint:
   * if they all carry the current one, the store signs with it. Unreadable: the record stands.
   */
  private async noteRekeyedMeanwhile(connection: ConnectionEntity): Promise<void> {
    const secret = this.store.webhookSecret(connection);
    const deliveryUrl = webhookUrl(this.config.PUBLIC_URL, connection.id);
    const ours = await this.stores
      .forConnection(connection)
      .listWebhooks()
      .then((all) => assessWebhooks(all, deliveryUrl, SUBSCRIBED_TOPICS).webhooks)
      .catch(() => []);
    if (ours.length > 0 && ours.every((hook) => hook.name === webhookName(WEBHOOK_NAME_PREFIX, hook.topic, secret))) await this.store.storeRekeyed(connection);
  }

  /** See ChangeConnectionSettingsDto. The sync services read settings per event, so the next one uses them. */
  async changeSettings(id: string, dto: ChangeConnectionSettingsDto): Promise<ConnectionEntity> {
    const { alertWebhookUrl, ...change } = dto;
    if (Object.keys(dto).length === 0) throw new BadRequestException('settings: give at least one setting to change (null removes one)');
    const alertProblem = alertWebhookUrl ? await alertUrlAddressProblem(alertWebhookUrl, this.config.ALLOW_PRIVATE_ENDPOINTS) : null;
    if (alertProblem) throw new BadRequestException(`settings.alertWebhookUrl: ${alertProblem}`);
    const changed = await this.store.changeSettings(id, change as SettingsChange, alertWebhookUrl);
    if (!changed) throw new NotFoundException(`Connection ${id} does not exist`);
    // Names only: a value may be a secret (the alert URL) and the log is no place for settings.
    this.logger.info({ connectionId: id, settings: Object.keys(dto) }, 'connection settings changed');
    return changed;
  }

  /**
   * New Zoho credentials after a revoked refresh token: the connection resumes and waiting events
   * flow. They are tried with Zoho first (a token minted, the connection's organization reachable);
   * credentials Zoho refuses are not kept, so a typo never breaks a connection whose token works.
   */
  async reauthorize(id: string, dto: UpdateZohoCredentialsDto): Promise<ConnectionEntity> {
    const connection = await this.get(id);
    const current = this.store.zohoCredentials(connection);
    // Trimmed as at creation: a pasted credential often carries a newline.
    const credentials = {
      clientId: dto.clientId?.trim() ?? current.clientId,
      clientSecret: dto.clientSecret?.trim() ?? current.clientSecret,
      refreshToken: dto.refreshToken.trim(),
    };
    const clientChange = credentials.clientId === current.clientId ? '' : ` and client ${credentials.clientId}`;
    const note = (outcome: 'ok' | 'failed', message: string) =>
      this.audit.record({ connectionId: id, service: 'token-service', resource: 'connection', resourceId: id, action: 'reauthorize-zoho', outcome, message });
    let checked;
    try {
      checked = await checkZohoCredentials(this.oauth, connection.zohoAccountsUrl, credentials, connection.zohoOrganizationId, this.config.ALLOW_PRIVATE_ENDPOINTS);
    } catch (error) {
      await note('failed', `new Zoho refresh token${clientChange} not kept: ${describeError(error)}`);
      throw error;
    }
    await this.store.updateZohoCredentials(id, credentials);
    await this.dataSource.getRepository(ZohoTokenEntity).delete({ connectionId: id });
    await this.store.update(id, { status: 'active', statusReason: null });
    await note('ok', `Zoho re-authorized with a new refresh token${clientChange} (checked with Zoho: organization ${checked.organizationName} (${checked.organizationId}) reachable); connection active`);
    this.logger.info({ connectionId: id }, 'Zoho credentials replaced; connection active');
    return this.get(id);
  }

  /**
   * New WooCommerce REST keys after the owner revoked or regenerated them (and the store's new
   * address, when it moved): the connection keeps its id, webhook URL and records. The keys are
   * tried on the store first (reading orders and webhooks, as ping does); keys it refuses are not
   * kept, so a typo never breaks a connection whose old keys still work.
   */
  async replaceWooCredentials(id: string, dto: UpdateWooCredentialsDto): Promise<ConnectionEntity> {
    const connection = await this.get(id);
    const storeUrl = dto.url === undefined
      ? connection.storeUrl
      : field('url', () => normalizeStoreUrl(dto.url!, { allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS }));
    if (dto.url !== undefined) await resolvedField('url', () => assertStoreResolvesPublicly(storeUrl, { allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS }));
    const keys = { consumerKey: dto.consumerKey.trim(), consumerSecret: dto.consumerSecret.trim() };
    const check = await this.stores.forKeys(storeUrl, keys).ping();
    if (!check.ok) {
      // Keys the store turned down are the caller's to fix (400); a store that did not answer is not (502).
      const outcome = check.refused ? 'the store refused the new keys' : 'the new keys could not be checked on the store';
      throw upstreamFailure(`${outcome}, so nothing changed: ${check.error}`, check.refused === true);
    }
    await this.store.updateWooCredentials(id, keys, storeUrl === connection.storeUrl ? undefined : storeUrl);
    const moved = storeUrl === connection.storeUrl ? '' : `; the store moved from ${connection.storeUrl} to ${storeUrl}`;
    await this.audit.record({
      connectionId: id,
      service: 'token-service',
      resource: 'connection',
      resourceId: id,
      action: 'replace-woocommerce-keys',
      outcome: 'ok',
      message: `WooCommerce REST keys replaced (checked on the store: orders and webhooks readable)${moved}`,
    });
    this.logger.info({ connectionId: id, storeUrl }, `WooCommerce keys replaced${moved}`);
    return this.get(id);
  }

  /** Today's Zoho calls against the organization's shared budget (all services, all instances). */
  async usage(id: string) {
    const connection = await this.get(id);
    const organizationId = connection.zohoOrganizationId;
    const usage = organizationId ? await new ZohoRateLimiter(this.dataSource).usage(organizationId) : undefined;
    return {
      organizationId,
      day: new Date().toISOString().slice(0, 10),
      callsToday: usage?.callsToday ?? 0,
      rejectedToday: usage?.rejectedToday ?? 0,
      blockedUntil: usage?.blockedUntil ?? null,
      // Zoho's daily quota depends on the plan (1,000 Free … 10,000 Premium); its responses say it
      // (X-Rate-Limit-Limit), and until one has, it is known only when the owner set it.
      dailyLimit: usage?.quota.limit ?? connectionSettings(connection).zohoDailyLimit ?? null,
      quota: usage?.quota ?? null,
    };
  }

  private async pingWoo(connection: ConnectionEntity): Promise<PingReport['woocommerce']> {
    try {
      return await this.stores.forConnection(connection).ping();
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  private async pingZoho(connection: ConnectionEntity): Promise<PingReport['zoho']> {
    try {
      const session = await this.tokens.session(connection.id);
      const reached = await pingZoho({
        session: this.tokens.sessionFor(connection.id),
        organizationId: session.organizationId,
        allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS,
      });
      if (!reached.ok) return reached;
      const scopes = await checkZohoScopes(
        new ZohoBooksClient({
          // The token in hand, never replaced: a refusal here is a missing scope, which a new token does not cure.
          session: { getAccessToken: async () => ({ accessToken: session.accessToken, apiDomain: session.apiDomain }), invalidate: async () => ({ dropped: false }) },
          organizationId: session.organizationId,
          allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS,
        }),
      );
      if (scopes.missing.length > 0) {
        return {
          ...reached,
          ok: false,
          missingScopes: scopes.missing,
          error: `the Zoho authorization lacks ${scopes.missing.join(', ')}, which Connector needs; authorize again with every scope Connector asks for and give the new refresh token (PUT /api/connections/${connection.id}/zoho)`,
        };
      }
      if (scopes.errors.length > 0) return { ...reached, ok: false, error: `the organization was reached, but reading it failed: ${scopes.errors.join('; ')}` };
      return reached;
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }
}

/** Runs a validation and reports its failure as a 400 naming the request field. */
function field<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new BadRequestException(`${name}: ${describeError(error)}`);
  }
}

/** `field` for a check that resolves the URL's name (what it points at is known only then). */
async function resolvedField(name: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    throw new BadRequestException(`${name}: ${describeError(error)}`);
  }
}

/** The settings stored as they are; the alert URL goes to the store separately, to be sealed. */
function withoutAlertUrl(settings: ConnectionSettingsDto | undefined): Omit<ConnectionSettingsDto, 'alertWebhookUrl'> {
  const { alertWebhookUrl: _sealedSeparately, ...rest } = settings ?? {};
  return rest;
}
