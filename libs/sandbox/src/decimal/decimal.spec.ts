import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from './decimal';

describe('Decimal', () => {
  it('parses strings, numbers and exponents exactly', () => {
    assert.equal(Decimal.from('12.50').toString(), '12.5');
    assert.equal(Decimal.from(0.1).add(0.2).toString(), '0.3');
    assert.equal(Decimal.from('1e-7').toString(), '0.0000001');
    assert.equal(Decimal.from('-.5').toString(), '-0.5');
    assert.equal(Decimal.from('2E3').toString(), '2000');
    assert.throws(() => Decimal.from('abc'));
    assert.throws(() => Decimal.from(''));
    assert.throws(() => Decimal.from(Number.NaN));
  });

  it('rounds half away from zero', () => {
    assert.equal(Decimal.from('2.345').toFixed(2), '2.35');
    assert.equal(Decimal.from('-2.345').toFixed(2), '-2.35');
    assert.equal(Decimal.from('2.344999').toFixed(2), '2.34');
    assert.equal(Decimal.from('0.5').toFixed(0), '1');
    assert.equal(Decimal.from('7').toFixed(3), '7.000');
  });

  it('floors and divides with a chosen scale', () => {
    assert.equal(Decimal.from('-1.005').round(2, 'floor').toString(true), '-1.01');
    assert.equal(Decimal.from(10).div(3, 4).toString(), '3.3333');
    assert.equal(Decimal.from(2).div(3, 2).toString(), '0.67');
    assert.equal(Decimal.from(-2).div(3, 2).toString(), '-0.67');
    assert.throws(() => Decimal.from(1).div(0, 2));
  });

  it('compares across scales', () => {
    assert.ok(Decimal.from('1.50').eq('1.5'));
    assert.ok(Decimal.from('1.49').lt('1.5'));
    assert.equal(Decimal.sum(['0.01', '0.02', '-0.03']).isZero(), true);
  });
});
