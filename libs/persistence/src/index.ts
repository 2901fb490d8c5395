export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './connection-store';
export * from './audit-trail';
export * from './dead-letter-store';
export * from './zoho-rate-limiter';
export * from './advisory-lock';
