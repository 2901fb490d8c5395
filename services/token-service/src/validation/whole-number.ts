import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A whole number in [min, max] that JavaScript holds exactly. `@IsInt` alone admits 1e300 (whose
 * text, "1e+300", PostgreSQL cannot read as a bigint) and 9007199254740993 (already rounded to
 * …992 when JSON is parsed, so the wrong id would be stored).
 */
export function IsWholeNumber(range: { min: number; max?: number }, options?: ValidationOptions): PropertyDecorator {
  const { min, max = Number.MAX_SAFE_INTEGER } = range;
  return ValidateBy(
    {
      name: 'isWholeNumber',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
        defaultMessage: () => `$property must be a whole number from ${min} to ${max}`,
      },
    },
    options,
  );
}
