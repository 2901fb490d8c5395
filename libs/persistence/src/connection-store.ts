import { DataSource, IsNull, Not, Repository } from 'typeorm';
import { SecretBox } from '@connector/crypto';
import { ConnectionEntity, ConnectionSettings, DEFAULT_CONNECTION_SETTINGS, SealedAlertWebhook } from './entities';

export interface WooCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The settings a connection stores in clear (the alert URL is sealed separately). */
export type PlainSettings = Omit<ConnectionSettings, 'alertWebhook' | 'alertWebhookUrl'>;

/** A change of settings: a value replaces the stored one, null removes it (its default applies again). */
export type SettingsChange = { [K in keyof PlainSettings]?: PlainSettings[K] | null };

export interface NewConnection {
  name: string;
  storeUrl: string;
  woo: WooCredentials;
  webhookSecret: string;
  zohoAccountsUrl: string;
  zoho: ZohoCredentials;
  zohoOrganizationId?: string | null;
  settings?: Partial<PlainSettings>;
  /** Sealed into the settings; see ConnectionSettings.alertWebhook. */
  alertWebhookUrl?: string | null;
}

/**
 * The only code that reads or writes connection credentials. It seals secrets on the way in and
 * opens them on the way out, binding each ciphertext to its row and field.
 */
export class ConnectionStore {
  private readonly repo: Repository<ConnectionEntity>;

  constructor(dataSource: DataSource, private readonly box: SecretBox) {
    this.repo = dataSource.getRepository(ConnectionEntity);
  }

  async create(input: NewConnection): Promise<ConnectionEntity> {
    // The id is chosen first because it is part of every ciphertext's associated data.
    const [{ id }] = await this.repo.query('SELECT gen_random_uuid() AS id');
    const entity = this.repo.create({
      id,
      name: input.name,
      status: 'active',
      statusReason: null,
      storeUrl: input.storeUrl,
      wooCredentials: this.box.encryptJson(input.woo, ad(id, 'woo')),
      webhookSecret: this.box.encrypt(input.webhookSecret, ad(id, 'webhook')),
      zohoAccountsUrl: input.zohoAccountsUrl,
      zohoCredentials: this.box.encryptJson(input.zoho, ad(id, 'zoho')),
      zohoOrganizationId: input.zohoOrganizationId ?? null,
      settings: { ...input.settings, ...(input.alertWebhookUrl ? { alertWebhook: this.sealAlertWebhook(id, input.alertWebhookUrl) } : {}) },
    });
    return this.repo.save(entity);
  }

  find(id: string): Promise<ConnectionEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo.findOne({ where: { id, deletedAt: IsNull() } });
  }

  async get(id: string): Promise<ConnectionEntity> {
    const found = await this.find(id);
    if (!found) throw new ConnectionNotFoundError(id);
    return found;
  }

  list(): Promise<ConnectionEntity[]> {
    return this.repo.find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async softDelete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.repo.softDelete({ id, deletedAt: IsNull() });
    return (result.affected ?? 0) > 0;
  }

  /** Live and deleted connections alike (duplicate checks: a deleted one keeps its order records). */
  listIncludingDeleted(): Promise<ConnectionEntity[]> {
    return this.repo.find({ withDeleted: true, order: { createdAt: 'ASC' } });
  }

  /** A deleted connection, or null when the id is unknown or the connection is live. */
  findDeleted(id: string): Promise<ConnectionEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo.findOne({ where: { id, deletedAt: Not(IsNull()) }, withDeleted: true });
  }

  /** Undoes softDelete: the row, and so its credentials and everything keyed by its id, is live again. */
  async restore(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.repo.restore({ id, deletedAt: Not(IsNull()) });
    return (result.affected ?? 0) > 0;
  }

  wooCredentials(connection: ConnectionEntity): WooCredentials {
    return this.box.decryptJson<WooCredentials>(connection.wooCredentials, ad(connection.id, 'woo'));
  }

  zohoCredentials(connection: ConnectionEntity): ZohoCredentials {
    return this.box.decryptJson<ZohoCredentials>(connection.zohoCredentials, ad(connection.id, 'zoho'));
  }

  webhookSecret(connection: ConnectionEntity): string {
    return this.box.decrypt(connection.webhookSecret, ad(connection.id, 'webhook'));
  }

  /** The secret before the last rotation while it is still accepted (its grace period), else undefined. */
  previousWebhookSecret(connection: ConnectionEntity, now = Date.now()): { secret: string; until: Date } | undefined {
    const until = connection.previousWebhookSecretUntil;
    if (!connection.previousWebhookSecret || !until || until.getTime() <= now) return undefined;
    return { secret: this.box.decrypt(connection.previousWebhookSecret, ad(connection.id, 'webhook')), until };
  }

  /**
   * A new webhook secret; the one the store signs with stays accepted for `graceMs` (deliveries
   * WooCommerce signed before its webhooks were re-keyed). That is the current secret, unless the
   * last rotation never reached the store: then it is still the previous one, which is kept (the
   * current one was never given to the store). Until storeRekeyed() the store counts as signing
   * with the previous secret. Returns the end of the grace period.
   */
  async rotateWebhookSecret(id: string, secret: string, graceMs: number): Promise<Date> {
    const until = new Date(Date.now() + graceMs);
    await this.repo.query(
      `UPDATE connections
          SET previous_webhook_secret = CASE WHEN store_signs_with_previous_secret AND previous_webhook_secret IS NOT NULL THEN previous_webhook_secret ELSE webhook_secret END,
              previous_webhook_secret_until = $3, webhook_secret = $2, store_signs_with_previous_secret = true, updated_at = now()
        WHERE id = $1`,
      [id, this.box.encrypt(secret, ad(id, 'webhook')), until],
    );
    return until;
  }

  /**
   * The store's webhooks were given the secret `connection` holds. Only if it is still the current
   * one: a rotation that landed meanwhile left the store behind again.
   */
  async storeRekeyed(connection: Pick<ConnectionEntity, 'id' | 'webhookSecret'>): Promise<void> {
    await this.repo.query(`UPDATE connections SET store_signs_with_previous_secret = false WHERE id = $1 AND webhook_secret = $2`, [connection.id, connection.webhookSecret]);
  }

  /** The connection's alert webhook URL, or undefined when it has none. */
  alertWebhookUrl(connection: ConnectionEntity): string | undefined {
    const { alertWebhook, alertWebhookUrl: unsealed } = connection.settings ?? {};
    if (alertWebhook) return this.box.decrypt(alertWebhook.sealed, ad(connection.id, 'alert-webhook'));
    return unsealed?.trim() || undefined;
  }

  /** Whether the connection has an alert webhook, without opening it. */
  hasAlertWebhook(connection: ConnectionEntity): boolean {
    const { alertWebhook, alertWebhookUrl: unsealed } = connection.settings ?? {};
    return !!alertWebhook || !!unsealed?.trim();
  }

  private sealAlertWebhook(id: string, url: string): SealedAlertWebhook {
    const trimmed = url.trim();
    return { sealed: this.box.encrypt(trimmed, ad(id, 'alert-webhook')), host: new URL(trimmed).host };
  }

  /**
   * Applies a change of settings and returns the connection as it now is. A new alert URL is
   * sealed; null removes it, undefined keeps it. One row update inside a transaction that locks the
   * row, so two changes at once both land.
   */
  async changeSettings(id: string, change: SettingsChange, alertWebhookUrl?: string | null): Promise<ConnectionEntity | null> {
    if (!isUuid(id)) return null;
    return this.repo.manager.transaction(async (manager) => {
      const repo = manager.getRepository(ConnectionEntity);
      const connection = await repo.findOne({ where: { id, deletedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!connection) return null;
      const settings: Record<string, unknown> = { ...(connection.settings ?? {}) };
      for (const [key, value] of Object.entries(change)) {
        if (value === null) delete settings[key];
        else if (value !== undefined) settings[key] = value;
      }
      if (alertWebhookUrl === null) {
        delete settings.alertWebhook;
        delete settings.alertWebhookUrl;
      } else if (alertWebhookUrl !== undefined) {
        delete settings.alertWebhookUrl;
        settings.alertWebhook = this.sealAlertWebhook(id, alertWebhookUrl);
      }
      connection.settings = settings as Partial<ConnectionSettings>;
      await repo.update({ id }, { settings: connection.settings } as never);
      return connection;
    });
  }

  /** New REST keys (sealed), and the store's new address when it moved. */
  async updateWooCredentials(id: string, woo: WooCredentials, storeUrl?: string): Promise<void> {
    await this.repo.update({ id }, { wooCredentials: this.box.encryptJson(woo, ad(id, 'woo')), ...(storeUrl ? { storeUrl } : {}) });
  }

  async updateZohoCredentials(id: string, zoho: ZohoCredentials): Promise<void> {
    await this.repo.update({ id }, { zohoCredentials: this.box.encryptJson(zoho, ad(id, 'zoho')) });
  }

  async update(id: string, patch: Partial<Pick<ConnectionEntity, 'status' | 'statusReason' | 'zohoOrganizationId' | 'zohoApiDomain' | 'lastPing' | 'settings' | 'name'>>): Promise<void> {
    await this.repo.update({ id }, patch as never);
  }

  /**
   * Re-seals every secret not under the active key (run after adding a new key), and seals an
   * alert URL a row still keeps in clear.
   */
  async rotateKeys(): Promise<number> {
    let rotated = 0;
    for (const c of await this.repo.find({ withDeleted: true })) {
      const { alertWebhook, alertWebhookUrl: unsealed, ...settings } = c.settings ?? {};
      const sealed = [c.wooCredentials, c.webhookSecret, c.zohoCredentials, ...(alertWebhook ? [alertWebhook.sealed] : []), ...(c.previousWebhookSecret ? [c.previousWebhookSecret] : [])];
      if (!sealed.some((s) => this.box.needsRotation(s)) && unsealed === undefined) continue;
      const alertUrl = this.alertWebhookUrl(c);
      await this.repo.update(
        { id: c.id },
        {
          wooCredentials: this.box.encryptJson(this.wooCredentials(c), ad(c.id, 'woo')),
          webhookSecret: this.box.encrypt(this.webhookSecret(c), ad(c.id, 'webhook')),
          previousWebhookSecret: c.previousWebhookSecret ? this.box.encrypt(this.box.decrypt(c.previousWebhookSecret, ad(c.id, 'webhook')), ad(c.id, 'webhook')) : null,
          zohoCredentials: this.box.encryptJson(this.zohoCredentials(c), ad(c.id, 'zoho')),
          settings: { ...settings, ...(alertUrl ? { alertWebhook: this.sealAlertWebhook(c.id, alertUrl) } : {}) } as never,
        },
      );
      rotated++;
    }
    return rotated;
  }
}

export function connectionSettings(connection: Pick<ConnectionEntity, 'settings'>): ConnectionSettings {
  return { ...DEFAULT_CONNECTION_SETTINGS, ...(connection.settings ?? {}) };
}

export class ConnectionNotFoundError extends Error {
  override readonly name = 'ConnectionNotFoundError';
  constructor(id: string) {
    super(`Connection ${id} does not exist`);
  }
}

const ad = (id: string, field: string) => `connection:${id}:${field}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
