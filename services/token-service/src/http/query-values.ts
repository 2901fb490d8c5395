import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, ValidationOptions } from 'class-validator';
import { IsWholeNumber } from '../validation/whole-number';

/*
 * The one way the admin API reads flags and numbers from a query string: properties of a query
 * DTO (`@Query() query: SomeQuery`, defaults as property initializers). Not `@Query('x',
 * ParseIntPipe)`: the global ValidationPipe converts a parameter typed boolean or number before
 * such pipes see it ("1" becomes false, "abc" NaN, which DefaultValuePipe then swaps for the
 * default), so bad values were silently misread. Here the text is parsed strictly and anything
 * else is a 400 naming the parameter.
 */

const FLAGS = new Map<unknown, boolean>([['true', true], ['false', false], ['1', true], ['0', false]]);

/** `true`/`false` (or `1`/`0`). */
export function QueryFlag(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => FLAGS.get(value) ?? value),
    IsOptional(),
    IsBoolean({ message: '$property must be true or false (or 1 or 0)' }),
  );
}

/** Decimal digits making a whole number in [min, max]; a fraction, an exponent or a repeated parameter is refused. */
export function QueryInteger(range: { min: number; max?: number }, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : value)),
    IsOptional(),
    IsWholeNumber(range, options),
  );
}
