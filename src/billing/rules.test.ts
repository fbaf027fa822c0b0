import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testBillingRules } from '../../test/support/billing.js';
import { isFreeSignature, requiredHeldCents, vatCents, windowStart } from './rules.js';

const rules = testBillingRules();

describe('price rule', () => {
  it('makes the 1st to 9th signature in the window free and charges from the 10th', () => {
    const free = Array.from({ length: 12 }, (_, before) =>
      isFreeSignature({ receivedInWindow: before, rules }),
    );
    assert.deepEqual(free, [true, true, true, true, true, true, true, true, true, false, false, false]);
  });

  it('charges everything with a threshold of 1', () => {
    assert.equal(
      isFreeSignature({ receivedInWindow: 0, rules: testBillingRules({ freeThreshold: 1 }) }),
      false,
    );
  });

  it('holds only the signers beyond what the window surely leaves free', () => {
    const held = (pendingSigners: number, receivedInWindow: number) =>
      requiredHeldCents({ pendingSigners, receivedInWindow, rules });
    assert.equal(held(9, 0), 0);
    assert.equal(held(10, 0), 100);
    assert.equal(held(3, 7), 100);
    assert.equal(held(3, 9), 300);
    assert.equal(held(3, 25), 300, 'a window already past the threshold frees nothing');
    assert.equal(held(0, 25), 0);
  });

  it('starts the window exactly 30 × 24 h before now', () => {
    assert.equal(
      windowStart(new Date('2026-12-31T10:00:00Z'), rules).toISOString(),
      '2026-12-01T10:00:00.000Z',
    );
  });

  it('rounds VAT to the cent', () => {
    assert.equal(vatCents(100, rules), 20);
    assert.equal(vatCents(333, { vatRateBasisPoints: 550 }), 18);
  });
});
