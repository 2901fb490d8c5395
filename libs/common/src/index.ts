export * from './errors';
export * from './backoff';
export * from './config';
export * from './logger';
export * from './private-network';
export * from './json-object-fields';
export * from './http-exchange';
export * from './semaphore';
