import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope, Signer } from '../envelopes/index.js';
import { envelopeStatusAt, signingStateOf } from './load-signing-page.js';

const now = new Date('2026-12-03T09:00:00Z');
const envelope = {
  status: 'pending',
  expiresAt: new Date('2026-12-03T08:00:00Z'),
} as Envelope;
const signed = { status: 'signed' } as Signer;

describe('the state a signer reads', () => {
  it('reads a pending envelope past its expiry date as expired, before the sweep moved it', () => {
    assert.equal(envelopeStatusAt(envelope, now), 'expired');
    assert.equal(
      envelopeStatusAt({ ...envelope, expiresAt: new Date('2026-12-04T00:00:00Z') }, now),
      'pending',
    );
    assert.equal(envelopeStatusAt({ ...envelope, status: 'completed' }, now), 'completed');
  });

  it('keeps a signer who signed in the signed state whatever became of the envelope', () => {
    assert.equal(signingStateOf(signed, envelope, now), 'signed');
    assert.equal(signingStateOf({ status: 'waiting' } as Signer, envelope, now), 'expired');
  });
});
