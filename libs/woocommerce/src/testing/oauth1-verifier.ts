import { createHmac } from 'node:crypto';

/*
 * WC_REST_Authentication::check_oauth_signature, transcribed step by step for the stub store, so
 * the client's signing is checked against the server's algorithm rather than against itself.
 */

/** PHP rawurlencode, byte by byte. */
function rawurlencode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Whether the query parameters (as PHP's $_GET would hold them) carry a valid signature. */
export function wooAcceptsOAuth1(method: string, url: string, getParams: URLSearchParams, consumerSecret: string): boolean {
  const params = Object.fromEntries(getParams.entries());
  const consumerSignature = decodeURIComponent((params.oauth_signature ?? '').replace(/ /g, '+'));
  delete params.oauth_signature;
  // uksort($params, 'strcmp')
  const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // normalize_parameters, then join_with_equals_sign (which encodes "key=value" once more)
  const queryParams = keys.map((key) => rawurlencode(`${rawurlencode(key)}=${rawurlencode(params[key]!)}`));
  const stringToSign = `${method.toUpperCase()}&${rawurlencode(url)}&${queryParams.join('%26')}`;
  if (params.oauth_signature_method !== 'HMAC-SHA256' && params.oauth_signature_method !== 'HMAC-SHA1') return false;
  const algorithm = params.oauth_signature_method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const signature = createHmac(algorithm, `${consumerSecret}&`).update(stringToSign).digest('base64');
  return signature === consumerSignature;
}
