import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope, EnvelopeStatus, Signer } from '../../envelopes/index.js';
import { t } from '../../shared/i18n/index.js';
import type { SigningView } from '../../signing/index.js';
import { statePage } from './views.js';

const envelope: Envelope = {
  id: 'e1',
  accountId: 'a1',
  mailboxId: 'm1',
  senderAddress: 'sender@example.test',
  subject: 'Bail',
  locale: 'fr',
  status: 'pending',
  messageId: null,
  queueId: null,
  rawSha256: '0',
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  createdAt: new Date('2026-12-01T00:00:00Z'),
  finishedAt: null,
};

function signer(position: number, address: string, status: Signer['status']): Signer {
  return {
    id: `s${position}`,
    envelopeId: 'e1',
    position,
    address,
    displayName: null,
    status,
    turnStartedAt: null,
    signedAt: null,
    declinedAt: null,
  };
}

/** Alice signed first; Bob, second, is in whatever state the envelope's end left him. */
function aliceView(envelopeStatus: EnvelopeStatus, bob: Signer['status']): SigningView {
  const alice = signer(1, 'alice@example.test', 'signed');
  return {
    state: 'signed',
    signer: alice,
    envelope: { ...envelope, status: envelopeStatus },
    documents: [],
    signers: [alice, signer(2, 'bob@example.test', bob)],
    waitingFor: null,
    signedCount: 1,
    envelopeStatus,
  };
}

const bodyText = (view: SigningView, locale: 'fr' | 'en' = 'fr') =>
  String(statePage(locale, view, false).body).replace(/&#39;/g, "'");

describe('the page of a signer who has signed', () => {
  const promise = t('fr', 'signing.state.signed.next');

  it('promises the signed documents only while the others can still sign', () => {
    assert.match(bodyText(aliceView('pending', 'current')), new RegExp(promise));
  });

  it('says who declined and that nothing will be signed, after a later signer declines', () => {
    const text = bodyText(aliceView('declined', 'declined'));
    assert.doesNotMatch(text, new RegExp(promise));
    assert.match(text, /bob@example\.test a refusé de signer/);
    assert.match(text, /aucun document ne sera signé/);
    assert.match(bodyText(aliceView('declined', 'declined'), 'en'), /bob@example\.test declined to sign/);
  });

  it('says the request expired, and was cancelled, each in its own words', () => {
    const expired = bodyText(aliceView('expired', 'current'));
    const cancelled = bodyText(aliceView('cancelled', 'current'));
    assert.doesNotMatch(expired, new RegExp(promise));
    assert.doesNotMatch(cancelled, new RegExp(promise));
    assert.match(expired, /La demande a expiré/);
    assert.match(cancelled, /La demande a été annulée/);
    assert.match(bodyText(aliceView('expired', 'current'), 'en'), /The request expired/);
    assert.match(bodyText(aliceView('cancelled', 'current'), 'en'), /The request was cancelled/);
  });

  it('says the documents are on their way, then sent, once everyone signed', () => {
    assert.match(bodyText(aliceView('sealing', 'signed')), /dans un instant/);
    assert.match(bodyText(aliceView('completed', 'signed')), /vous ont été envoyés/);
  });

  it('says the documents could not be sealed yet, when the seal failed for good', () => {
    const text = bodyText(aliceView('seal_failed', 'signed'));
    assert.doesNotMatch(text, /dans un instant|vous ont été envoyés/);
    assert.match(text, /n’ont pas encore pu être scellés/);
  });
});
