import { describeError } from '@connector/common';
import type { ZohoCredentials } from '@connector/persistence';
import { chooseOrganization, ZohoBooksClient, ZohoOAuthClient } from '@connector/zoho-books';
import { isRefusal, upstreamFailure } from '../http/upstream-failure';

/**
 * Tries Zoho credentials before they replace working ones: mints an access token with them and
 * lists the organizations it reaches, which must include the connection's. A refusal (a mistyped
 * or revoked token, a wrong client, an organization the user cannot reach) is a 400 in Zoho's
 * words; Zoho not answering is a 502. Either way nothing was stored. The token minted here is not
 * kept: the token manager mints its own for the saved credentials.
 */
export async function checkZohoCredentials(
  oauth: ZohoOAuthClient,
  accountsUrl: string,
  credentials: ZohoCredentials,
  organizationId: string | null,
  allowPrivate: boolean,
): Promise<{ organizationId: string; organizationName: string }> {
  try {
    const token = await oauth.refresh({ accountsUrl, ...credentials });
    const books = new ZohoBooksClient({
      session: { getAccessToken: async () => ({ accessToken: token.accessToken, apiDomain: token.apiDomain }), invalidate: async () => ({ dropped: false }) },
      allowPrivate,
    });
    const organization = chooseOrganization(await books.listOrganizations(), organizationId ?? undefined);
    return { organizationId: organization.organization_id, organizationName: organization.name };
  } catch (error) {
    const refused = isRefusal(error);
    const outcome = refused ? 'Zoho refused the new credentials' : 'the new credentials could not be checked with Zoho';
    throw upstreamFailure(`${outcome}, so nothing changed (the stored ones stay in use): ${describeError(error)}`, refused);
  }
}
