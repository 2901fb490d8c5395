import { ConnectionEntity, connectionSettings } from '@connector/persistence';
import { alertUrlHost } from '../alerts/alert-url';

/**
 * The public shape of a connection. Built field by field (never by spreading the entity), so a
 * credential column added later cannot leak through the API by accident.
 */
export function connectionView(connection: ConnectionEntity, publicUrl: string) {
  return {
    id: connection.id,
    name: connection.name,
    status: connection.status,
    statusReason: connection.statusReason,
    webhookUrl: webhookUrl(publicUrl, connection.id),
    woocommerce: { url: connection.storeUrl },
    zoho: {
      accountsUrl: connection.zohoAccountsUrl,
      organizationId: connection.zohoOrganizationId,
      apiDomain: connection.zohoApiDomain,
    },
    settings: publicSettings(connection),
    lastPing: connection.lastPing ?? null,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

/**
 * Settings as shown by the API. A Slack-style alert URL carries its secret in the path, so only
 * its host is shown (`alertWebhookHost`); the URL itself is write-only (and sealed at rest).
 */
function publicSettings(connection: ConnectionEntity) {
  const { alertWebhook, alertWebhookUrl: unsealed, ...settings } = connectionSettings(connection);
  return { ...settings, alertWebhookHost: alertWebhook?.host ?? (unsealed ? alertUrlHost(unsealed) : null) };
}

export function webhookUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/woocommerce/${connectionId}`;
}
