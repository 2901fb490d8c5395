export * from './auth';
export * from './errors';
export * from './signature';
export * from './store-auth-memory';
export * from './store-url';
export type { WooExchange } from './transport';
export * from './webhooks';
export * from './woo-client';
export { isPrivateHost } from '@connector/common';
