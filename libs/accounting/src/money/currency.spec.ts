import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyDecimals, minorUnit } from './currency';

test('currency decimals: zero, three and the default two', () => {
  for (const code of ['JPY', 'KRW', 'VND', 'CLP', 'ISK']) assert.equal(currencyDecimals(code), 0, code);
  for (const code of ['KWD', 'BHD', 'OMR', 'JOD', 'TND']) assert.equal(currencyDecimals(code), 3, code);
  for (const code of ['USD', 'EUR', 'GBP', 'BRL', 'XYZ', '']) assert.equal(currencyDecimals(code), 2, code);
  assert.equal(currencyDecimals(' jpy '), 0);
});

test('minor unit of a currency', () => {
  assert.equal(minorUnit('USD').toString(), '0.01');
  assert.equal(minorUnit('JPY').toString(), '1');
  assert.equal(minorUnit('KWD').toString(), '0.001');
});
