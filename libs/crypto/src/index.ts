export * from './key-ring';
export * from './secret-box';
export * from './random';
