import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from './decimal';

const d = (text: string) => Decimal.parse(text);

test('parses WooCommerce money strings exactly and keeps their scale', () => {
  assert.equal(d('29.35').toString(), '29.35');
  assert.equal(d('1.636364').toString(), '1.636364');
  assert.equal(d('-10.00').toString(), '-10.00');
  assert.equal(d('0.9').toString(), '0.9');
  assert.equal(d('.5').toString(), '0.5');
  assert.equal(d('+3').toString(), '3');
  assert.equal(d('1e-7').toString(), '0.0000001');
  assert.equal(d('1.5E3').toString(), '1500');
  assert.equal(d('-0.00').toString(), '0.00');
});

test('rejects text that is not a plain decimal', () => {
  for (const bad of ['', ' 1', '1,50', 'NaN', 'Infinity', '1.2.3', '-', '.', 'e5', '0x10', '1e999999']) {
    assert.throws(() => d(bad), `should reject ${JSON.stringify(bad)}`);
  }
  assert.throws(() => Decimal.parse('9'.repeat(500)), RangeError);
});

test('reads numbers through their shortest string, never their binary value', () => {
  assert.equal(Decimal.fromNumber(21.99).toString(), '21.99');
  assert.equal(Decimal.fromNumber(0.1).add(Decimal.fromNumber(0.2)).toString(), '0.3');
  assert.ok(Decimal.fromNumber(0.1).add(0.2).eq('0.3'));
  assert.equal(Decimal.fromNumber(1e21).toString(), '1000000000000000000000');
  assert.equal(Decimal.fromNumber(3).toString(), '3');
  assert.throws(() => Decimal.fromNumber(Number.NaN), RangeError);
  assert.throws(() => Decimal.fromNumber(Number.POSITIVE_INFINITY), RangeError);
});

test('add, sub and mul are exact', () => {
  assert.equal(d('6.00').add('12.00').add('10.00').add('1.35').toString(), '29.35');
  assert.equal(d('0.1').add('0.2').sub('0.3').toString(), '0.0');
  assert.equal(d('3.33').mul(3).toString(), '9.99');
  assert.equal(d('1.005').mul(7).toString(), '7.035');
  assert.equal(d('-2.5').mul('-0.4').toString(), '1.00');
  assert.equal(Decimal.sum(['1.005', '1.005', '1.005']).toString(), '3.015');
});

test('div rounds the exact quotient once, with the requested mode', () => {
  assert.equal(d('10').div(3, 2, 'half-away-from-zero').toString(), '3.33');
  assert.equal(d('20').div(3, 2, 'half-away-from-zero').toString(), '6.67');
  assert.equal(d('-20').div(3, 2, 'half-away-from-zero').toString(), '-6.67');
  assert.equal(d('1').div(8, 2, 'half-away-from-zero').toString(), '0.13');
  assert.equal(d('1').div(8, 2, 'half-even').toString(), '0.12');
  assert.equal(d('1').div(8, 2, 'toward-zero').toString(), '0.12');
  assert.equal(d('1').div(8, 2, 'away-from-zero').toString(), '0.13');
  assert.equal(d('10').div(3, 2, 'away-from-zero').toString(), '3.34');
  assert.equal(d('-10').div(3, 2, 'away-from-zero').toString(), '-3.34');
  assert.equal(d('9').div(3, 2, 'away-from-zero').toString(), '3.00');
  assert.equal(d('-1').div(8, 2, 'half-away-from-zero').toString(), '-0.13');
  assert.equal(d('9.99').mul(20).div(120, 2, 'half-away-from-zero').toString(), '1.67');
  assert.equal(d('12.345').div('0.5', 0, 'half-away-from-zero').toString(), '25');
  assert.equal(d('7').div('-2', 0, 'half-away-from-zero').toString(), '-4');
  assert.throws(() => d('1').div(0, 2, 'half-even'), RangeError);
});

test('round: half away from zero, half even, toward and away from zero', () => {
  assert.equal(d('2.345').roundHalfAwayFromZero(2).toString(), '2.35');
  assert.equal(d('-2.345').roundHalfAwayFromZero(2).toString(), '-2.35');
  assert.equal(d('1.005').roundHalfAwayFromZero(2).toString(), '1.01');
  assert.equal(d('2.345').round(2, 'half-even').toString(), '2.34');
  assert.equal(d('2.355').round(2, 'half-even').toString(), '2.36');
  assert.equal(d('2.349').round(2, 'toward-zero').toString(), '2.34');
  assert.equal(d('-2.349').round(2, 'toward-zero').toString(), '-2.34');
  assert.equal(d('2.341').round(2, 'away-from-zero').toString(), '2.35');
  assert.equal(d('-2.341').round(2, 'away-from-zero').toString(), '-2.35');
  assert.equal(d('2.340').round(2, 'away-from-zero').toString(), '2.34');
  assert.equal(d('1499.5').roundHalfAwayFromZero(0).toString(), '1500');
  assert.equal(d('3').roundHalfAwayFromZero(3).toString(), '3.000');
  assert.equal(d('-0.004').roundHalfAwayFromZero(2).toString(), '0.00');
});

test('compare ignores scale', () => {
  assert.ok(d('6.00').eq('6'));
  assert.ok(d('6.001').gt('6'));
  assert.ok(d('-1').lt('0'));
  assert.equal(d('1.10').compare('1.1'), 0);
  assert.ok(d('2').gte('2.0') && d('2').lte('2.00'));
  assert.equal(Decimal.max('1.5', '2', '-3').toString(), '2');
  assert.equal(Decimal.min('1.5', '2', '-3').toString(), '-3');
});

test('toFixed pads or rounds for display; normalize drops trailing zeros', () => {
  assert.equal(d('29.35').toFixed(3), '29.350');
  assert.equal(d('1.636364').toFixed(2), '1.64');
  assert.equal(d('0.125').toFixed(2), '0.13');
  assert.equal(d('5').toFixed(0), '5');
  assert.equal(d('6.50').normalize().toString(), '6.5');
  assert.equal(d('6.00').decimalPlaces(), 0);
});

test('minor units follow the currency decimals and refuse silent rounding', () => {
  assert.equal(d('29.35').toMinorUnits(2), 2935n);
  assert.equal(d('1500').toMinorUnits(0), 1500n);
  assert.equal(d('12.345').toMinorUnits(3), 12345n);
  assert.equal(d('12.30').toMinorUnits(1), 123n);
  assert.throws(() => d('12.345').toMinorUnits(2), RangeError);
  assert.ok(Decimal.fromMinorUnits(2935n, 2).eq('29.35'));
});

test('toNumber only returns a number that prints back as the same decimal', () => {
  assert.equal(d('12.50').toNumber(), 12.5);
  assert.equal(d('-0.01').toNumber(), -0.01);
  assert.equal(d('1.636364').toNumber(), 1.636364);
  assert.throws(() => d('12345678901234567.89').toNumber(), RangeError);
});
