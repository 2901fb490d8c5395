import { findNonPublicAddress, isPrivateHost, type ResolveAll } from '@connector/common';

/**
 * Why an alert URL must not be called, or null when it may. Alerts go to a URL a store owner typed
 * in; without this check it could point the service at internal endpoints (cloud metadata, the
 * admin API itself). Sandboxes and tests allow http and private hosts explicitly.
 */
export function alertUrlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the alert webhook URL is not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'the alert webhook URL must be http(s)';
  if (allowPrivate) return null;
  if (parsed.protocol !== 'https:') return 'the alert webhook URL must use https';
  if (isPrivateHost(parsed.hostname)) return 'the alert webhook URL points at a private or loopback address';
  return null;
}

/**
 * `alertUrlProblem`, and then what the URL's name resolves to: for saving an alert URL (a clear 400
 * instead of alerts that are never delivered). Sending checks the addresses again as it connects
 * (AlertSender), which also catches a name that turns private later. A name that does not resolve
 * passes, as a DNS outage must not make a URL invalid. Names the host only, never the path.
 */
export async function alertUrlAddressProblem(url: string, allowPrivate: boolean, resolveAll?: ResolveAll): Promise<string | null> {
  const problem = alertUrlProblem(url, allowPrivate);
  if (problem || allowPrivate) return problem;
  const refusal = await findNonPublicAddress(new URL(url).hostname, resolveAll);
  return refusal ? `the alert webhook URL points at a private or loopback address: ${refusal.message}` : null;
}

/** What may be logged about an alert URL: its host. The path of a Slack-style webhook is its secret. */
export function alertUrlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
