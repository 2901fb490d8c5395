export * from './html';
export * from './zoho-text';
export * from './zoho-field-limits';
