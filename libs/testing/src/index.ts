export * from './test-database';
export * from './test-topology';
export * from './test-keys';
export * from './eventually';
export * from './private-nats';
export * from './private-postgres';
export * from './fixtures';
export * from './stub-http-server';
