export * from './auth';
export * from './errors';
export * from './signature';
export * from './store-url';
export * from './webhooks';
export * from './woo-client';
export { isPrivateHost } from '@connector/common';
