import { apiPath } from '../api-client';
import type { ConnectionView, PingReport, WebhookRegistration } from '../api-types';
import { flagOption, OptionSpec, SecretSpec, stringOption } from '../args';
import type { Command } from '../command';
import { CliError, EXIT, ExitCode } from '../errors';
import { renderDetails } from '../output';
import { SECRET_VARIABLES } from '../secret-variables';
import { renderWebhookTable } from './connections';
import { pingSucceeded, renderPing } from './ping-report';

const option = (name: string, description: string, required = true, placeholder?: string, secret?: SecretSpec): OptionSpec => ({
  name, kind: 'string', description, required, placeholder, secret,
});

/** What happened after the connection was created; each later step may fail on its own. */
interface ConnectOutcome {
  connection: ConnectionView;
  ping?: PingReport;
  webhooks?: WebhookRegistration;
  problems: string[];
}

export const connect: Command = {
  path: ['connect'],
  summary: 'Link a WooCommerce store to a Zoho Books organization, then ping it',
  positionals: [],
  options: [
    option('name', 'A name for the connection', true, '<name>'),
    option('store-url', 'The store, e.g. https://shop.example.com', true, '<url>'),
    option('consumer-key', 'WooCommerce REST key (ck_…)', true, '<key>'),
    option('consumer-secret', 'WooCommerce REST secret (cs_…)', true, '<secret>', { env: SECRET_VARIABLES.consumerSecret }),
    option('webhook-secret', 'Webhook signing secret (generated when omitted)', false, '<secret>', {}),
    option('zoho-client-id', 'Zoho OAuth client id', true, '<id>'),
    option('zoho-client-secret', 'Zoho OAuth client secret', true, '<secret>', { env: SECRET_VARIABLES.zohoClientSecret }),
    option('zoho-refresh-token', 'Zoho OAuth refresh token', true, '<token>', { env: SECRET_VARIABLES.zohoRefreshToken }),
    option('zoho-accounts-url', "The data centre's accounts server, e.g. https://accounts.zoho.eu", true, '<url>'),
    option('zoho-org', 'Zoho Books organization id (resolved from Zoho when omitted)', false, '<id>'),
    { name: 'register-webhooks', kind: 'boolean', description: "Also register the store's webhooks" },
  ],
  details: [
    'The connection is created first; a failed ping or webhook registration is reported and exits 1',
    'but leaves the connection in place (fix the cause, then `connector ping` / `connector webhooks`).',
    'Give the secrets in their environment variables or files (`-` reads one from stdin), not as',
    'arguments: other local users see arguments in `ps`, and shell history keeps them.',
  ],
  examples: [
    'read -rs CONNECTOR_ZOHO_REFRESH_TOKEN && export CONNECTOR_ZOHO_REFRESH_TOKEN   # typed without echo, not kept in history',
    'connector connect --name "Acme store" --store-url https://shop.example.com --consumer-key ck_… \\\n' +
      '    --consumer-secret-file ~/.secrets/woo-consumer-secret --zoho-client-id 1000.… \\\n' +
      '    --zoho-client-secret-file ~/.secrets/zoho-client-secret --zoho-accounts-url https://accounts.zoho.eu --register-webhooks',
  ],
  async run({ api, out }, args) {
    const value = (name: string) => stringOption(args, name);
    const connection = await api.post<ConnectionView>(apiPath('connections'), {
      name: value('name'),
      woocommerce: {
        url: value('store-url'),
        consumerKey: value('consumer-key'),
        consumerSecret: value('consumer-secret'),
        webhookSecret: value('webhook-secret'),
      },
      zoho: {
        clientId: value('zoho-client-id'),
        clientSecret: value('zoho-client-secret'),
        refreshToken: value('zoho-refresh-token'),
        accountsUrl: value('zoho-accounts-url'),
        organizationId: value('zoho-org'),
      },
    });
    const outcome: ConnectOutcome = { connection, problems: [] };
    let exitCode: ExitCode = EXIT.ok;
    const fail = (problem: string, code: ExitCode = EXIT.failed) => {
      outcome.problems.push(problem);
      if (exitCode === EXIT.ok) exitCode = code;
    };

    try {
      outcome.ping = await api.post<PingReport>(apiPath('connections', connection.id, 'ping'));
      if (!pingSucceeded(outcome.ping)) fail('the ping failed; fix the credentials, then run `connector ping`');
    } catch (error) {
      fail(`the ping could not run: ${errorMessage(error)}`, exitCodeOf(error));
    }

    if (flagOption(args, 'register-webhooks')) {
      if (outcome.ping && !outcome.ping.woocommerce.ok) {
        fail('webhooks were not registered because the store did not answer the ping');
      } else {
        try {
          outcome.webhooks = await api.post<WebhookRegistration>(apiPath('connections', connection.id, 'webhooks'));
          if (outcome.webhooks.deliveryCheck?.status === 'not-reached') fail(outcome.webhooks.deliveryCheck.message);
        } catch (error) {
          fail(`webhook registration failed: ${errorMessage(error)}; retry with \`connector webhooks ${connection.id}\``, exitCodeOf(error));
        }
      }
    }

    out.result(outcome, () => {
      out.line(`Created connection ${connection.id} (${connection.name})`);
      out.lines(renderDetails([['Webhook URL', connection.webhookUrl]]));
      if (outcome.ping) out.lines(['', 'Ping', ...renderPing(outcome.ping)]);
      // The delivery URL is the webhook URL printed above; only the table is new here.
      if (outcome.webhooks) out.lines(['', 'Webhooks', ...renderWebhookTable(outcome.webhooks.webhooks, 2)]);
    });
    for (const problem of outcome.problems) out.note(`connector: ${problem}`);
    return exitCode;
  },
};

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
const exitCodeOf = (error: unknown): ExitCode => (error instanceof CliError ? error.exitCode : EXIT.failed);
