/**
 * An exact decimal number: `units / 10^scale` with BigInt units. Money never goes through JS
 * floats here, because `0.1 + 0.2 !== 0.3` is exactly the kind of cent that makes an invoice
 * disagree with the order it came from.
 *
 * - Values are immutable; every operation returns a new Decimal.
 * - `add`, `sub` and `mul` are exact. `div` and `round` always take an explicit scale and rounding
 *   mode, so no precision is lost by accident.
 * - The scale is kept as given (`"6.00"` prints as `6.00`); comparison ignores it (`6.00` equals `6`).
 * - JS numbers are read through their shortest round-trip string (`21.99` → `"21.99"`), which is
 *   what the number means to a person and what JSON carried.
 */

export type RoundingMode =
  /** Ties go away from zero: 2.345 → 2.35, -2.345 → -2.35. What invoices, Zoho and PHP's round() do. */
  | 'half-away-from-zero'
  /** Ties go to the even neighbour ("banker's rounding"): 2.345 → 2.34, 2.355 → 2.36. */
  | 'half-even'
  /** Drop the extra digits: 2.349 → 2.34, -2.349 → -2.34. */
  | 'toward-zero'
  /** Any extra digit raises the last one kept: 2.341 → 2.35, -2.341 → -2.35 (a price that must not fall short). */
  | 'away-from-zero';

export type DecimalSource = Decimal | string | number | bigint;

/** Upper bound on digits and exponents accepted from text, so hostile input cannot allocate huge BigInts. */
const MAX_DIGITS = 200;
const MAX_EXPONENT = 200;
const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

function assertScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > MAX_DIGITS) {
    throw new RangeError(`scale must be an integer from 0 to ${MAX_DIGITS}, got ${scale}`);
  }
}

/** Integer division of `numerator / denominator` rounded with `mode`. */
function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n || mode === 'toward-zero') return quotient;
  const awayFromZero = quotient + (numerator < 0n ? -1n : 1n);
  if (mode === 'away-from-zero') return awayFromZero;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twiceRemainder > denominator) return awayFromZero;
  if (twiceRemainder < denominator) return quotient;
  if (mode === 'half-away-from-zero') return awayFromZero;
  return quotient % 2n === 0n ? quotient : awayFromZero;
}

export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);
  static readonly HUNDRED = new Decimal(100n, 0);

  private constructor(
    /** The value times 10^scale. */
    readonly units: bigint,
    /** Digits after the decimal point. */
    readonly scale: number,
  ) {}

  /** `units / 10^scale`, e.g. `Decimal.of(2935n, 2)` is 29.35. */
  static of(units: bigint, scale = 0): Decimal {
    assertScale(scale);
    return new Decimal(units, scale);
  }

  /** An amount in a currency's minor units, e.g. `fromMinorUnits(2935n, 2)` is 29.35. */
  static fromMinorUnits(units: bigint, decimals: number): Decimal {
    return Decimal.of(units, decimals);
  }

  /**
   * Parses `"29.35"`, `"-10.00"`, `"1.636364"`, `".5"`, `"+3"`, `"1e-7"`. Anything else (empty,
   * spaces, commas, `NaN`) throws, because guessing at a malformed amount is how totals go wrong.
   */
  static parse(text: string): Decimal {
    const match = typeof text === 'string' ? DECIMAL_TEXT.exec(text) : null;
    if (!match) throw new SyntaxError(`not a decimal number: ${JSON.stringify(text)}`);
    const [, sign, whole = '', fraction = '', exponentText] = match;
    if (whole === '' && fraction === '') throw new SyntaxError(`not a decimal number: ${JSON.stringify(text)}`);
    const exponent = exponentText === undefined ? 0 : Number(exponentText);
    if (whole.length + fraction.length > MAX_DIGITS || Math.abs(exponent) > MAX_EXPONENT) {
      throw new RangeError(`decimal number too long: ${text.slice(0, 40)}…`);
    }
    let units = BigInt(`${whole}${fraction}` || '0');
    if (sign === '-') units = -units;
    let scale = fraction.length - exponent;
    if (scale < 0) {
      units *= pow10(-scale);
      scale = 0;
    }
    return Decimal.of(units, scale);
  }

  /** A finite JS number, read through its shortest round-trip string (`21.99` → 21.99 exactly). */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return Decimal.parse(String(value));
  }

  static from(value: DecimalSource): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return Decimal.of(value, 0);
    if (typeof value === 'number') return Decimal.fromNumber(value);
    return Decimal.parse(value);
  }

  static sum(values: Iterable<DecimalSource>): Decimal {
    let total = Decimal.ZERO;
    for (const value of values) total = total.add(value);
    return total;
  }

  static max(first: DecimalSource, ...rest: DecimalSource[]): Decimal {
    return rest.reduce<Decimal>((best, value) => (best.gte(value) ? best : Decimal.from(value)), Decimal.from(first));
  }

  static min(first: DecimalSource, ...rest: DecimalSource[]): Decimal {
    return rest.reduce<Decimal>((best, value) => (best.lte(value) ? best : Decimal.from(value)), Decimal.from(first));
  }

  /** This value's units at a larger (or equal) scale. */
  private unitsAt(scale: number): bigint {
    return this.units * pow10(scale - this.scale);
  }

  add(other: DecimalSource): Decimal {
    const right = Decimal.from(other);
    const scale = Math.max(this.scale, right.scale);
    return new Decimal(this.unitsAt(scale) + right.unitsAt(scale), scale);
  }

  sub(other: DecimalSource): Decimal {
    return this.add(Decimal.from(other).neg());
  }

  mul(other: DecimalSource): Decimal {
    const right = Decimal.from(other);
    return Decimal.of(this.units * right.units, this.scale + right.scale);
  }

  /** `this / divisor`, rounded to `scale` decimal places with `mode` (the exact quotient is rounded once). */
  div(divisor: DecimalSource, scale: number, mode: RoundingMode): Decimal {
    assertScale(scale);
    const right = Decimal.from(divisor);
    if (right.units === 0n) throw new RangeError('division by zero');
    // this / right * 10^scale = (u1 * 10^(s2 + scale)) / (u2 * 10^s1)
    const shift = right.scale + scale - this.scale;
    const numerator = shift >= 0 ? this.units * pow10(shift) : this.units;
    const denominator = shift >= 0 ? right.units : right.units * pow10(-shift);
    return new Decimal(divideRounded(numerator, denominator, mode), scale);
  }

  /** This value at exactly `scale` decimal places, rounding with `mode` when digits are dropped. */
  round(scale: number, mode: RoundingMode): Decimal {
    assertScale(scale);
    if (scale >= this.scale) return new Decimal(this.unitsAt(scale), scale);
    return new Decimal(divideRounded(this.units, pow10(this.scale - scale), mode), scale);
  }

  roundHalfAwayFromZero(scale: number): Decimal {
    return this.round(scale, 'half-away-from-zero');
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.units < 0n ? -1 : this.units > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  compare(other: DecimalSource): -1 | 0 | 1 {
    const right = Decimal.from(other);
    const scale = Math.max(this.scale, right.scale);
    const difference = this.unitsAt(scale) - right.unitsAt(scale);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  eq(other: DecimalSource): boolean {
    return this.compare(other) === 0;
  }

  lt(other: DecimalSource): boolean {
    return this.compare(other) < 0;
  }

  lte(other: DecimalSource): boolean {
    return this.compare(other) <= 0;
  }

  gt(other: DecimalSource): boolean {
    return this.compare(other) > 0;
  }

  gte(other: DecimalSource): boolean {
    return this.compare(other) >= 0;
  }

  /** The same value without trailing fractional zeros: `6.50` → `6.5`, `6.00` → `6`. */
  normalize(): Decimal {
    let { units, scale } = this;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale -= 1;
    }
    return new Decimal(units, scale);
  }

  /** Decimal places actually needed: `6.50` → 1, `6.00` → 0. */
  decimalPlaces(): number {
    return this.normalize().scale;
  }

  /** The value expressed in whole minor units; throws if it has finer digits than `decimals`. */
  toMinorUnits(decimals: number): bigint {
    assertScale(decimals);
    if (this.decimalPlaces() > decimals) {
      throw new RangeError(`${this.toString()} has more than ${decimals} decimal places; round it first`);
    }
    return decimals >= this.scale ? this.unitsAt(decimals) : this.units / pow10(this.scale - decimals);
  }

  /** Plain notation with exactly `scale` decimals, rounding half away from zero like a printed invoice. */
  toFixed(scale: number): string {
    return this.round(scale, 'half-away-from-zero').toString();
  }

  /** Plain notation at this value's own scale: never exponent notation, `-0` prints as `0`. */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`;
  }

  toJSON(): string {
    return this.toString();
  }

  /**
   * The JS number with this exact decimal value, for JSON fields an API insists are numbers.
   * Throws when no double prints back as this value (more than ~15 significant digits), instead of
   * silently sending a different amount.
   */
  toNumber(): number {
    const value = Number(this.toString());
    if (!Number.isFinite(value) || !Decimal.fromNumber(value).eq(this)) {
      throw new RangeError(`${this.toString()} cannot be represented exactly as a JS number`);
    }
    return value;
  }
}
