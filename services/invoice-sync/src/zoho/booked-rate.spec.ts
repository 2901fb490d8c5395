import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bookedRate } from './exchange-rates';

describe('bookedRate: the exchange rate a record keeps for a Zoho document', () => {
  test('a foreign-currency document keeps the rate Zoho answered, which can differ from the one sent', () => {
    assert.equal(bookedRate(0.8567, 0.8567), '0.8567');
    assert.equal(bookedRate(0.8567, 0.8601), '0.8601', 'an update sends no rate: the invoice holds the one it was created with, or the one the owner corrected');
  });

  test('without a rate in the answer, the rate sent', () => {
    assert.equal(bookedRate(0.8567, undefined), '0.8567');
  });

  test("a base-currency document has none: Connector sends no rate and Zoho's 1 says nothing", () => {
    assert.equal(bookedRate(undefined, 1), null);
    assert.equal(bookedRate(undefined, undefined), null);
  });

  test('a document adopted after a lost answer (no rate sent here) keeps its own rate when it is not 1', () => {
    assert.equal(bookedRate(undefined, 0.8612), '0.8612');
  });
});
