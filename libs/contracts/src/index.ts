export * from './subjects';
export * from './headers';
export * from './message-id';
export * from './rpc';
export * from './webhook-ping-notice';
export * from './woocommerce';
