/** Nest injection token of this service's validated config. */
export const CATALOG_SYNC_CONFIG = Symbol('CATALOG_SYNC_CONFIG');
