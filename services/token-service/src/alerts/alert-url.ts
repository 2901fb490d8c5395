import { isPrivateHost } from '@connector/common';

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

/** What may be logged about an alert URL: its host. The path of a Slack-style webhook is its secret. */
export function alertUrlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
