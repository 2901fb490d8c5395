/*
 * WooCommerce collections (specs/woocommerce.md §3.4) page with `page`/`per_page` (at most 100)
 * and announce more pages with `X-WP-TotalPages` and a `Link: <…>; rel="next"` header.
 */

export const MAX_PAGE_SIZE = 100;

/** The `rel` values of a Link header (several headers arrive joined with commas). */
export function linkRelations(header: string | null): Set<string> {
  const relations = new Set<string>();
  if (!header) return relations;
  for (const match of header.matchAll(/<[^>]*>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(match[1] ?? '')?.[1];
    for (const value of rel?.toLowerCase().split(/\s+/) ?? []) relations.add(value);
  }
  return relations;
}

/**
 * Whether a page after `page` exists. Proxies sometimes strip both headers; then a full page
 * means "maybe more", and the empty page that may follow ends the walk.
 */
export function hasNextPage(headers: Headers, page: number, rowsOnPage: number, pageSize: number): boolean {
  if (rowsOnPage === 0) return false;
  if (linkRelations(headers.get('link')).has('next')) return true;
  const totalPages = Number(headers.get('x-wp-totalpages'));
  if (headers.has('x-wp-totalpages') && Number.isFinite(totalPages)) return page < totalPages;
  if (headers.has('link')) return false;
  return rowsOnPage >= pageSize;
}
