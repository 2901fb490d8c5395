/**
 * Exact decimal numbers on BigInt: `units × 10^-scale`. Both fakes compute money with this type
 * and never with JavaScript floats, because the point of the fakes is to reproduce the exact
 * totals the real services print (a float sum like 0.1 + 0.2 would already be wrong).
 */
export type DecimalInput = Decimal | string | number | bigint;

/** How a division or rounding treats the discarded digits. */
export type RoundingMode = 'half-away-from-zero' | 'floor' | 'truncate';

const DECIMAL_PATTERN = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Divides with the given rounding; `denominator` must not be zero. */
function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // BigInt division truncates toward zero
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  switch (mode) {
    case 'truncate':
      return quotient;
    case 'floor':
      return numerator < 0n ? quotient - 1n : quotient;
    case 'half-away-from-zero': {
      const twice = (remainder < 0n ? -remainder : remainder) * 2n;
      if (twice >= denominator) return numerator < 0n ? quotient - 1n : quotient + 1n;
      return quotient;
    }
  }
}

export class Decimal {
  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);
  static readonly HUNDRED = new Decimal(100n, 0);

  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /** Parses a decimal string, a finite number (via its shortest decimal form) or a bigint. */
  static from(value: DecimalInput): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
      return Decimal.parse(String(value));
    }
    return Decimal.parse(value);
  }

  /** Like `from`, but returns undefined instead of throwing for anything that is not a decimal. */
  static tryFrom(value: unknown): Decimal | undefined {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && !(value instanceof Decimal)) {
      return undefined;
    }
    try {
      return Decimal.from(value);
    } catch {
      return undefined;
    }
  }

  static parse(text: string): Decimal {
    const match = DECIMAL_PATTERN.exec(text.trim());
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
    const [, sign, whole, fraction = '', exponentText] = match;
    const exponent = exponentText ? Number(exponentText) : 0;
    let units = BigInt(`${whole || '0'}${fraction}` || '0');
    let scale = fraction.length - exponent;
    if (scale < 0) {
      units *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(sign === '-' ? -units : units, scale);
  }

  static sum(values: Iterable<DecimalInput>): Decimal {
    let total = Decimal.ZERO;
    for (const value of values) total = total.add(value);
    return total;
  }

  static max(a: DecimalInput, b: DecimalInput): Decimal {
    const x = Decimal.from(a);
    const y = Decimal.from(b);
    return x.cmp(y) >= 0 ? x : y;
  }

  static min(a: DecimalInput, b: DecimalInput): Decimal {
    const x = Decimal.from(a);
    const y = Decimal.from(b);
    return x.cmp(y) <= 0 ? x : y;
  }

  private atScale(scale: number): bigint {
    return scale >= this.scale ? this.units * pow10(scale - this.scale) : this.units;
  }

  add(other: DecimalInput): Decimal {
    const o = Decimal.from(other);
    const scale = Math.max(this.scale, o.scale);
    return new Decimal(this.atScale(scale) + o.atScale(scale), scale);
  }

  sub(other: DecimalInput): Decimal {
    return this.add(Decimal.from(other).neg());
  }

  mul(other: DecimalInput): Decimal {
    const o = Decimal.from(other);
    return new Decimal(this.units * o.units, this.scale + o.scale);
  }

  /** `this / divisor`, rounded to `scale` decimals. Throws on division by zero. */
  div(divisor: DecimalInput, scale: number, mode: RoundingMode = 'half-away-from-zero'): Decimal {
    const d = Decimal.from(divisor);
    if (d.units === 0n) throw new RangeError('division by zero');
    // this.units / 10^this.scale ÷ d.units / 10^d.scale = this.units × 10^d.scale / (d.units × 10^this.scale)
    const numerator = this.units * pow10(scale + d.scale);
    const denominator = d.units * pow10(this.scale);
    return new Decimal(divideRounded(numerator, denominator, mode), scale);
  }

  /** Rounds to exactly `decimals` places (scale becomes `decimals`). */
  round(decimals: number, mode: RoundingMode = 'half-away-from-zero'): Decimal {
    if (decimals >= this.scale) return new Decimal(this.atScale(decimals), decimals);
    return new Decimal(divideRounded(this.units, pow10(this.scale - decimals), mode), decimals);
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  sign(): -1 | 0 | 1 {
    return this.units === 0n ? 0 : this.units < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isInteger(): boolean {
    return this.normalized().scale === 0;
  }

  cmp(other: DecimalInput): -1 | 0 | 1 {
    const o = Decimal.from(other);
    const scale = Math.max(this.scale, o.scale);
    const a = this.atScale(scale);
    const b = o.atScale(scale);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  eq(other: DecimalInput): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: DecimalInput): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: DecimalInput): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: DecimalInput): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: DecimalInput): boolean {
    return this.cmp(other) >= 0;
  }

  /** The same value with trailing fractional zeros removed. */
  normalized(): Decimal {
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale -= 1;
    }
    return new Decimal(units, scale);
  }

  /** Fixed-point text with exactly `decimals` places, rounded half away from zero. */
  toFixed(decimals: number): string {
    return this.round(decimals).toString(true);
  }

  /**
   * Decimal text. By default the shortest exact form (`"0.9"`, `"12"`), which is also how PHP
   * prints such a value; `keepScale` keeps trailing zeros up to the current scale.
   */
  toString(keepScale = false): string {
    const value = keepScale ? this : this.normalized();
    const negative = value.units < 0n;
    const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
    const whole = digits.slice(0, digits.length - value.scale);
    const fraction = digits.slice(digits.length - value.scale);
    return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  }

  /** A JavaScript number, for JSON fields that are numbers on the wire. Rounds first when `decimals` is given. */
  toNumber(decimals?: number): number {
    return Number(decimals === undefined ? this.toString() : this.toFixed(decimals));
  }

  toJSON(): string {
    return this.toString();
  }
}
