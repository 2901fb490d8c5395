import { apiPath } from '../api-client';
import type { CatalogSyncResult } from '../api-types';
import type { Command } from '../command';
import { EXIT } from '../errors';
import { renderDetails } from '../output';

/** The server waits for the whole import (paced by Zoho's rate limit) before it answers. */
const CATALOG_SYNC_TIMEOUT_MS = 11 * 60_000;

const sync: Command = {
  path: ['catalog', 'sync'],
  summary: "Read the store's products and resolve their Zoho items now",
  positionals: [{ name: 'connectionId' }],
  options: [],
  details: ['Waits until the import finishes (up to ten minutes for a large catalogue).'],
  examples: ['connector catalog sync 6f1c…'],
  async run({ api, out }, args) {
    const connectionId = args.positionals[0];
    out.note('syncing the catalogue; large stores take a few minutes…');
    const result = await api.post<CatalogSyncResult>(apiPath('connections', connectionId, 'catalog', 'sync'), undefined, {
      timeoutMs: CATALOG_SYNC_TIMEOUT_MS,
    });
    out.result(result, () => {
      out.lines(renderDetails([
        ['Products', result.products],
        ['Matched', result.matched],
        ['Unmatched', result.unmatched],
      ]));
      if (result.unmatched > 0) {
        out.line(`Unmatched products get a new Zoho item on their first order; pin one instead with: connector products pin ${connectionId} <productId> <zohoItemId>`);
      }
    });
    return EXIT.ok;
  },
};

export const catalogCommands = [sync];
