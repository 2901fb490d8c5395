import { Matches, ValidationOptions } from 'class-validator';

/**
 * Text with something besides whitespace in it. For values stored trimmed (names, keys, secrets):
 * `@IsNotEmpty` admits "   ", which trimming turns into the empty value it was meant to refuse.
 */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return Matches(/\S/, { message: '$property must not be blank', ...options });
}
