/**
 * OAuth scopes of Zoho Books: `ZohoBooks.<family>.<operation>`, operation one of
 * CREATE|READ|UPDATE|DELETE|ALL. A token's scopes are checked per endpoint (the fake answers a
 * missing scope like Zoho: 401 code 57). `ZohoBooks.fullaccess.all` grants everything.
 */
export type ScopeOperation = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE';
export type ScopeFamily = 'settings' | 'contacts' | 'invoices' | 'customerpayments' | 'creditnotes';

export interface RequiredScope {
  family: ScopeFamily;
  operation: ScopeOperation;
}

export const FULL_ACCESS_SCOPE = 'ZohoBooks.fullaccess.all';

/** Splits a `scope` parameter (comma- or space-separated). */
export function parseScopes(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function scopesGrant(scopes: readonly string[], required: RequiredScope): boolean {
  return scopes.some((scope) => {
    const [service, family, operation] = scope.split('.');
    if (service?.toLowerCase() !== 'zohobooks' || !family || !operation) return false;
    if (family.toLowerCase() === 'fullaccess' && operation.toLowerCase() === 'all') return true;
    if (family.toLowerCase() !== required.family) return false;
    const op = operation.toUpperCase();
    return op === 'ALL' || op === required.operation;
  });
}
