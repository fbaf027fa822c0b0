import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseSigners } from './choose-signers.js';

const a = (address: string, name: string | null = null) => ({ address, name });

describe('chooseSigners', () => {
  it('orders signers To then Cc as written, keeps the first of duplicates and leaves the sender out', () => {
    const choice = chooseSigners({
      to: [a('Carol@Example.org', 'Carol'), a('bob@example.org')],
      cc: [a('carol@example.org'), a('alice@acme.test'), a('dave@example.org')],
      senderAddress: 'Alice@acme.test',
      envelopeRecipients: ['carol@example.org', 'bob@example.org', 'dave@example.org'],
    });
    assert.deepEqual(choice.signers, [
      a('carol@example.org', 'Carol'),
      a('bob@example.org'),
      a('dave@example.org'),
    ]);
    assert.deepEqual(choice.otherRecipients, []);
  });

  it('gives Bcc recipients and the sender copying themself a copy without signing', () => {
    const choice = chooseSigners({
      to: [a('bob@example.org')],
      cc: [],
      senderAddress: 'alice@acme.test',
      envelopeRecipients: ['bob@example.org', 'Erin@example.org', 'alice@acme.test'],
    });
    assert.deepEqual(
      choice.signers.map((s) => s.address),
      ['bob@example.org'],
    );
    assert.deepEqual(choice.otherRecipients, ['erin@example.org', 'alice@acme.test']);
  });

  it('counts every named signer so the caller can refuse over the limit', () => {
    const to = Array.from({ length: 25 }, (_, i) => a(`s${i}@example.org`));
    assert.equal(
      chooseSigners({ to, cc: [], senderAddress: 'x@y.z', envelopeRecipients: [] }).requestedCount,
      25,
    );
  });
});
