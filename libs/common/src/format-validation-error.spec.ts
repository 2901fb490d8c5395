import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ValidationError } from 'class-validator';
import { formatValidationError } from './config';

const error = (property: string, constraints: Record<string, string>, children: ValidationError[] = []): ValidationError => ({ property, constraints, children });

describe('formatValidationError', () => {
  it('names a nested field by its path', () => {
    const nested = error('settings', {}, [error('storeTimeZone', { isTimeZone: 'storeTimeZone must be an IANA time zone' })]);
    assert.equal(formatValidationError(nested), 'settings.storeTimeZone must be an IANA time zone');
  });

  it('does not name the path twice when the message already does', () => {
    const nested = error('settings', {}, [error('storeTimeZone', { isTimeZone: 'settings.storeTimeZone must be an IANA time zone' })]);
    assert.equal(formatValidationError(nested), 'settings.storeTimeZone must be an IANA time zone');
  });
});
