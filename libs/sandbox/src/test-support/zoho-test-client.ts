import type { FakeZoho } from '../zoho/fake-zoho';

/** A minimal Books client for the fake's own tests: fetch + the Zoho auth header. */
export interface BooksResponse {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

export async function mintAccessToken(zoho: FakeZoho, client: { clientId: string; clientSecret: string }, refreshToken: string): Promise<string> {
  const params = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: client.clientId,
    client_secret: client.clientSecret,
    refresh_token: refreshToken,
  });
  const res = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  });
  const body = (await res.json()) as Record<string, string>;
  if (!body.access_token) throw new Error(`token refresh failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

export class BooksTestClient {
  constructor(
    private readonly zoho: FakeZoho,
    public accessToken: string,
    public organizationId?: string,
  ) {}

  async call(method: string, path: string, options: { query?: Record<string, string>; body?: unknown; form?: string; headers?: Record<string, string> } = {}): Promise<BooksResponse> {
    const url = new URL(`${this.zoho.apiDomain}/books/v3${path}`);
    if (this.organizationId !== undefined) url.searchParams.set('organization_id', this.organizationId);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${this.accessToken}`, ...options.headers };
    let body: string | undefined;
    if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = options.form;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(url, { method, headers, body });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  }

  get(path: string, query?: Record<string, string>) {
    return this.call('GET', path, { query });
  }

  post(path: string, body?: unknown, query?: Record<string, string>) {
    return this.call('POST', path, { body, query });
  }

  put(path: string, body?: unknown, query?: Record<string, string>) {
    return this.call('PUT', path, { body, query });
  }

  delete(path: string) {
    return this.call('DELETE', path);
  }
}

/** A started fake with one organisation and a ready client. */
export async function zohoWithOrg(
  zoho: FakeZoho,
  org: Parameters<FakeZoho['createOrganization']>[0] = {},
): Promise<{ orgId: string; client: BooksTestClient; oauth: { clientId: string; clientSecret: string }; refreshToken: string }> {
  const created = zoho.createOrganization({
    taxes: [
      { name: 'Standard Rate', percentage: 20 },
      { name: 'Reduced Rate', percentage: 5 },
      { name: 'Zero Rate', percentage: 0 },
    ],
    ...org,
  });
  const oauth = zoho.registerClient();
  const refreshToken = zoho.issueRefreshToken(oauth.clientId, [created.organization_id]);
  const token = await mintAccessToken(zoho, oauth, refreshToken);
  return { orgId: created.organization_id, client: new BooksTestClient(zoho, token, created.organization_id), oauth, refreshToken };
}
