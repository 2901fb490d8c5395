import { ValidateBy, ValidationOptions } from 'class-validator';
import { calendarDateIn } from '@connector/accounting';

/**
 * A time zone the sync services can use: checked with the same function that dates invoices,
 * payments and refunds in it (Intl's IANA names), so a zone accepted here never fails an event later.
 */
export function isUsableTimeZone(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    calendarDateIn(new Date(), value);
    return true;
  } catch {
    return false;
  }
}

export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: { validate: isUsableTimeZone, defaultMessage: () => '$property must be an IANA time zone such as Europe/Berlin' },
    },
    options,
  );
}
