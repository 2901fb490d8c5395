import { ValidateBy, ValidationOptions } from 'class-validator';

const SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/**
 * A UTC moment written YYYY-MM-DDTHH:MM:SS that exists on the calendar and the clock: the shape
 * alone admits 2026-13-45T99:99:99, which every later comparison would misread.
 */
export function isUtcDateTime(value: unknown): boolean {
  if (typeof value !== 'string' || !SHAPE.test(value)) return false;
  const instant = new Date(`${value}Z`);
  // Date rolls an impossible day or hour over (Feb 30 → Mar 2, 24:00 → next day): only a value
  // that reads back unchanged is real.
  return !Number.isNaN(instant.getTime()) && instant.toISOString().slice(0, 19) === value;
}

export function IsUtcDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUtcDateTime',
      validator: { validate: isUtcDateTime, defaultMessage: () => '$property must be a real UTC time written YYYY-MM-DDTHH:MM:SS' },
    },
    options,
  );
}
