import { apiPath } from '../api-client';
import type { ZohoUsage } from '../api-types';
import type { Command } from '../command';
import { EXIT, onNewerRoute } from '../errors';
import { renderUsage } from './quota-report';

export const usage: Command = {
  path: ['usage'],
  summary: "Zoho calls of the connection's organization today against its daily quota",
  positionals: [{ name: 'connectionId' }],
  options: [],
  details: [
    "The quota is Zoho's own count (used, limit and reset as its answers report them) whenever Zoho",
    "sends it; otherwise Connector's calls since the database's midnight against `settings --daily-limit`.",
    'Every service and instance calling Zoho for the organization is counted.',
  ],
  examples: ['connector usage 6f1c…', 'connector usage 6f1c… --json | jq .quota'],
  async run({ api, out }, args) {
    const connectionId = args.positionals[0];
    const answer = await onNewerRoute('Zoho usage', () => api.get<ZohoUsage>(apiPath('connections', connectionId, 'usage')));
    out.result(answer, () => out.lines(renderUsage(answer, connectionId)));
    return EXIT.ok;
  },
};
