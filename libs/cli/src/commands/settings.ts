import { apiPath } from '../api-client';
import type { ConnectionView } from '../api-types';
import { OptionSpec, SecretSpec, stringOption } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { renderDetails } from '../output';

/** One option per setting an owner changes; `none` removes the setting (its default applies again). */
const SETTINGS: ReadonlyArray<{ option: string; key: string; description: string; placeholder: string; parse?: (value: string) => unknown; secret?: SecretSpec }> = [
  { option: 'invoice-status', key: 'invoiceStatus', description: 'draft: invoices wait for you to send them in Zoho; sent: marked as sent once written', placeholder: '<draft|sent>' },
  { option: 'payments-since', key: 'paymentsSince', description: "Book the payments of orders paid from this UTC time on (none: don't)", placeholder: '<YYYY-MM-DDTHH:MM:SS|none>' },
  { option: 'payment-account', key: 'paymentAccountId', description: 'Zoho account payments go into and refunds leave', placeholder: '<id|none>' },
  { option: 'refunds-since', key: 'refundsSince', description: 'Book refunds made from this UTC time on as credit notes', placeholder: '<YYYY-MM-DDTHH:MM:SS|none>' },
  { option: 'sync-statuses', key: 'syncStatuses', description: 'Order statuses that get an invoice, comma-separated', placeholder: '<status,…|none>', parse: (value) => value.split(',').map((s) => s.trim()).filter(Boolean) },
  { option: 'store-time-zone', key: 'storeTimeZone', description: 'IANA time zone for invoice and payment dates', placeholder: '<zone|none>' },
  { option: 'daily-limit', key: 'zohoDailyLimit', description: 'Zoho calls per day of the plan (alert at 90 %)', placeholder: '<calls|none>', parse: wholeNumber('daily-limit') },
  { option: 'orders-without-email', key: 'ordersWithoutEmail', description: 'walk-in: book orders without an email to one shared contact; fail: fail them until they have one', placeholder: '<walk-in|fail|none>' },
  { option: 'walk-in-contact', key: 'walkInContactName', description: 'Name of the shared contact for orders without an email', placeholder: '<name|none>' },
  // A Slack webhook URL is itself the credential to post to the channel, so it may come from a file.
  { option: 'alert-webhook-url', key: 'alertWebhookUrl', description: 'Slack-compatible webhook told about failures (kept encrypted)', placeholder: '<url|none>', secret: {} },
];

/** A count given as text; anything else is a usage error (JSON would turn NaN into null: a removal). */
function wholeNumber(option: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${option} must be a whole number or none`, 'settings');
    return Number(value);
  };
}

export const settings: Command = {
  path: ['settings'],
  summary: "Show a connection's settings, or change some of them",
  positionals: [{ name: 'connectionId' }],
  options: SETTINGS.map(({ option, description, placeholder, secret }): OptionSpec => ({ name: option, kind: 'string', description, placeholder, secret })),
  details: [
    'Without options it shows the settings. Options change only the settings they name; `none` removes one',
    '(its default applies again). The next event of the connection uses them.',
  ],
  examples: ['connector settings 6f1c…', 'connector settings 6f1c… --invoice-status sent --payments-since 2026-12-01T00:00:00', 'connector settings 6f1c… --daily-limit none'],
  async run({ api, out }, args) {
    const [connectionId] = args.positionals;
    const change: Record<string, unknown> = {};
    for (const { option, key, parse } of SETTINGS) {
      const value = stringOption(args, option);
      if (value === undefined) continue;
      if (value.trim() === '') throw new UsageError(`--${option} needs a value (none removes the setting)`, 'settings');
      change[key] = value === 'none' ? null : parse ? parse(value) : value;
    }
    const connection = Object.keys(change).length === 0
      ? await api.get<ConnectionView>(apiPath('connections', connectionId))
      : await api.patch<ConnectionView>(apiPath('connections', connectionId, 'settings'), change);
    out.result(connection.settings ?? {}, () => out.lines(renderSettings(connection)));
    return EXIT.ok;
  },
};

function renderSettings(connection: ConnectionView): string[] {
  const stored = connection.settings ?? {};
  const shown = (value: unknown) => (value === undefined ? '(default)' : Array.isArray(value) ? value.join(', ') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  return renderDetails([
    ['Connection', `${connection.name} (${connection.id})`],
    ['Invoice status', shown(stored.invoiceStatus ?? 'draft')],
    ['Invoice number', shown(stored.invoiceNumber)],
    ['Invoice prefix', stored.invoiceNumberPrefix ? String(stored.invoiceNumberPrefix) : undefined],
    ['Order statuses', shown(stored.syncStatuses)],
    ['Store time zone', shown(stored.storeTimeZone)],
    ['Payments since', stored.paymentsSince ? String(stored.paymentsSince) : 'not booked'],
    ['Payment account', stored.paymentAccountId ? String(stored.paymentAccountId) : undefined],
    ['Payment modes', stored.paymentModes ? shown(stored.paymentModes) : undefined],
    ['Refunds since', shown(stored.refundsSince)],
    ['Orders without email', `${stored.ordersWithoutEmail === 'fail' ? 'fail' : 'walk-in'}${stored.ordersWithoutEmail === 'fail' ? '' : ` ("${String(stored.walkInContactName ?? 'Walk-in customer')}")`}`],
    ['Zoho daily limit', shown(stored.zohoDailyLimit)],
    ['Alerts to', stored.alertWebhookHost ? String(stored.alertWebhookHost) : 'none'],
  ]);
}
