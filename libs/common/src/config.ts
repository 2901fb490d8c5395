import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/**
 * Validates the environment into a typed config class at boot. A service with a bad setting must
 * refuse to start and say which variable is wrong, rather than fail on the first order.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(schema, { ...env }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((error) => formatValidationError(error)).join('; '));
  }
  return config;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(details: string) {
    super(`Invalid configuration: ${details}`);
  }
}

export function formatValidationError(error: ValidationError, path = ''): string {
  const field = path ? `${path}.${error.property}` : error.property;
  // A message written for the nested field may name its path already ("settings.storeTimeZone must …").
  const own = Object.values(error.constraints ?? {}).map((message) => (message.startsWith(field) ? message : message.replace(error.property, field)));
  const nested = (error.children ?? []).map((child) => formatValidationError(child, field));
  return [...own, ...nested].join('; ');
}
