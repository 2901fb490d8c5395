import type { PingReport, PingSide } from '../api-types';
import { renderTable } from '../output';

export const pingSucceeded = (report: PingReport) => report.woocommerce.ok && report.zoho.ok;

/** One line per side: ok with what the system told us about itself, or the error in words. */
export function renderPing(report: PingReport): string[] {
  const sides: Array<[string, PingSide]> = [
    ['WooCommerce', report.woocommerce],
    ['Zoho Books', report.zoho],
  ];
  return renderTable(sides, [
    { header: 'SYSTEM', value: ([name]) => name },
    { header: 'RESULT', value: ([, side]) => (side.ok ? 'ok' : 'FAILED') },
    { header: 'DETAIL', value: ([, side]) => (side.ok ? describeDetails(side) : side.error ?? 'no reason given') },
  ], { headers: false, indent: 2 });
}

/** Short words for a ping result, e.g. in a table cell: `ok`, `woocommerce failed`, `never`. */
export function pingSummary(report: PingReport | null | undefined): string {
  if (!report) return 'never';
  const failed = [report.woocommerce.ok ? null : 'woocommerce', report.zoho.ok ? null : 'zoho'].filter(Boolean);
  return failed.length === 0 ? 'ok' : `${failed.join(' and ')} failed`;
}

/** The extra fields a side returns (store version, Zoho organization…), whatever they are. */
function describeDetails(side: PingSide): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(side)) {
    if (key === 'ok' || key === 'error' || value === null || value === undefined) continue;
    if (typeof value === 'object') {
      const inner = Object.values(value as Record<string, unknown>).filter((v) => v !== null && typeof v !== 'object');
      if (inner.length > 0) parts.push(`${key}: ${inner.join(', ')}`);
    } else {
      parts.push(`${key}: ${String(value)}`);
    }
  }
  return parts.join('; ');
}
