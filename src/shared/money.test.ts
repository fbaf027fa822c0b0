import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEuros } from './money.js';

describe('money', () => {
  it('reads euros as a person types them into cents', () => {
    assert.equal(parseEuros('50'), 5000);
    assert.equal(parseEuros('12.50'), 1250);
    assert.equal(parseEuros('12,5'), 1250);
    assert.equal(parseEuros(' 0.07 '), 7);
  });

  it('refuses what is not a plain amount', () => {
    for (const text of ['-5', '1.234', 'ten', '', '1e3', '12.']) assert.equal(parseEuros(text), null, text);
  });
});
