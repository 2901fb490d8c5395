export * from './platform.config';
export * from './tokens';
export * from './platform.module';
export * from './metrics';
export * from './nest-logger';
export * from './health.controller';
export * from './bootstrap';
