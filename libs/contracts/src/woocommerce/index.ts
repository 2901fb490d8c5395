export * from './address';
export * from './customer';
export * from './error-body';
export * from './guards';
export * from './meta-data';
export * from './order';
export * from './product';
export * from './webhook';
