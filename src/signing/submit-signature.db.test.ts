import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { testBillingRules } from '../../test/support/billing.js';
import { errorCode, type SigningFixture, signingFixture } from '../../test/support/signing.js';
import { listAuditEvents } from '../audit/index.js';
import { checkBilling, readTotals } from '../billing/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { Db } from '../db/index.js';
import { getEnvelope } from '../envelopes/index.js';
import { isAppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { declineSigning } from './decline-signing.js';
import type { SigningDeps } from './deps.js';
import { sealEnvelope } from './seal-envelope.js';
import { findSealedDownload } from './sealed-downloads.js';
import { sendSigningCode } from './send-signing-code.js';
import { submitSignature } from './submit-signature.js';
import { expireEnvelopes, remindSigners, sweepStuckSeals } from './sweep-signing.js';

describe('signing use cases', () => {
  let fixture: SigningFixture;
  let db: Db;
  let blobs: BlobStore;
  let clock: SigningFixture['clock'];
  let deps: SigningDeps;
  let documentId: string;
  let envelopeId: string;
  let accountId: string;
  const tokens: string[] = [];
  // Every signature paid, so each charge and release shows in the ledger.
  const rules = testBillingRules({ freeThreshold: 1 });
  let newEnvelope: SigningFixture['newEnvelope'];

  before(async () => {
    fixture = await signingFixture({ billingRules: rules });
    ({ db, blobs, clock, deps, newEnvelope, accountId } = fixture);
    const created = await newEnvelope('k1', ['alice@example.test', 'bob@example.test']);
    tokens.push(...created.tokens);
    envelopeId = created.envelopeId;
    documentId = created.documentId;
  });

  after(async () => {
    await fixture.close();
  });

  const request = (token: string) => fixture.request(token, documentId);
  const confirmPhone = (token: string, phone: string) => fixture.confirmPhone(token, phone);
  const code = errorCode;

  it('refuses a code request and a submit from the signer whose turn it is not', async () => {
    assert.equal(
      await code(
        sendSigningCode(deps, {
          token: tokens[1] as string,
          phone: '0612345678',
          locale: 'fr',
          ip: null,
          userAgent: null,
        }),
      ),
      'SIGNING_NOT_YOUR_TURN',
    );
    assert.equal(await code(submitSignature(deps, request(tokens[1] as string))), 'SIGNING_NOT_YOUR_TURN');
  });

  it('refuses a submit without a confirmed code, without consent, or without a placement on a document', async () => {
    const alice = tokens[0] as string;
    assert.equal(await code(submitSignature(deps, request(alice))), 'SIGNING_CODE_REQUIRED');
    // No code was ever confirmed: the sentence must not speak of a confirmed code that expired.
    assert.doesNotMatch(t('fr', 'error.SIGNING_CODE_REQUIRED'), /confirmé a expiré|expir/);
    assert.equal(
      await code(submitSignature(deps, { ...request(alice), isConsentGiven: false })),
      'SIGNING_CONSENT_REQUIRED',
    );
    assert.equal(
      await code(submitSignature(deps, { ...request(alice), placements: [] })),
      'SIGNING_PLACEMENT_MISSING',
    );
    assert.equal(
      await code(
        submitSignature(deps, {
          ...request(alice),
          placements: [{ documentId, page: 3, x: 0, y: 0, width: 150, height: 50 }],
        }),
      ),
      'SIGNING_PLACEMENT_INVALID',
    );
    assert.equal(
      await code(submitSignature(deps, { ...request(alice), imagePng: new TextEncoder().encode('<svg/>') })),
      'SIGNING_IMAGE_INVALID',
    );
  });

  it('refuses a code confirmed too long ago', async () => {
    const alice = tokens[0] as string;
    await confirmPhone(alice, '+33612345678');
    clock.advance(901_000);
    const refusal = await submitSignature(deps, request(alice)).catch((error: unknown) => error);
    assert.ok(isAppError(refusal));
    assert.equal(refusal.code, 'SIGNING_CODE_STALE');
    assert.equal(
      t('fr', refusal.userMessage, refusal.details as Record<string, number>),
      'Votre numéro a été confirmé il y a plus de 15 minutes\u00a0: demandez un nouveau code pour le confirmer à nouveau.',
    );
  });

  it('records one Signature for two concurrent submits and passes the turn to Bob', async () => {
    const alice = tokens[0] as string;
    clock.advance(31_000);
    await confirmPhone(alice, '+33612345678');
    const results = await Promise.all([
      submitSignature(deps, request(alice)),
      submitSignature(deps, request(alice)),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['already-signed', 'signed']);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM signatures WHERE envelope_id = $1',
      [envelopeId],
    );
    assert.equal(rows[0]?.n, 1);
    const details = await getEnvelope(db, envelopeId);
    assert.deepEqual(
      details.signers.map((s) => s.status),
      ['signed', 'current'],
    );
    const mails = await db.query<{ purpose: string }>(
      'SELECT purpose FROM mail_outbox WHERE envelope_id = $1 ORDER BY purpose',
      [envelopeId],
    );
    assert.deepEqual(
      mails.rows.map((r) => r.purpose),
      ['signing.progress', 'signing.turn'],
    );
    const audit = (await listAuditEvents(db, envelopeId)).map((e) => e.type);
    assert.ok(audit.includes('signature.recorded'));
    const ledger = await db.query<{ kind: string; amount_cents: number }>(
      `SELECT kind, amount_cents FROM ledger_entries WHERE signer_id = $1 AND kind IN ('charge', 'free')`,
      [details.signers[0]?.id],
    );
    assert.deepEqual(
      ledger.rows,
      [{ kind: 'charge', amount_cents: -100 }],
      'charged once, with the Signature',
    );
  });

  it('reminds Bob after 3 days, every 3 days, at most 3 times', async () => {
    const count = async () =>
      Number(
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM mail_outbox WHERE purpose = 'signing.reminder'`,
          )
        ).rows[0]?.n,
      );
    clock.advance(2 * 86_400_000);
    assert.equal(await remindSigners(deps), 0);
    clock.advance(86_400_000 + 1000);
    assert.equal(await remindSigners(deps), 1);
    assert.equal(await remindSigners(deps), 0);
    for (let i = 0; i < 4; i++) {
      clock.advance(3 * 86_400_000 + 1000);
      await remindSigners(deps);
    }
    assert.equal(await count(), 3);
  });

  it('seals once when the last signer signs, and mails the sealed PDF to everyone', async () => {
    const bob = tokens[1] as string;
    await confirmPhone(bob, '+33698765432');
    const result = await submitSignature(deps, request(bob));
    assert.deepEqual(result, { status: 'signed', signedCount: 2, total: 2, isLast: true });
    assert.equal((await sealEnvelope(deps, { envelopeId })).status, 'completed');
    assert.equal((await sealEnvelope(deps, { envelopeId })).status, 'nothing-to-do');
    const { envelope } = await getEnvelope(db, envelopeId);
    assert.equal(envelope.status, 'completed');
    const completed = await db.query<{ recipients: string[] }>(
      `SELECT recipients FROM mail_outbox WHERE purpose = 'signing.completed' ORDER BY created_at`,
    );
    assert.deepEqual(completed.rows.map((r) => r.recipients[0]).sort(), [
      'alice@example.test',
      'bob@example.test',
      'sender@example.test',
    ]);
    const sealed = await db.query<{ sha256: string }>(
      'SELECT sha256 FROM sealed_documents WHERE envelope_id = $1',
      [envelopeId],
    );
    assert.equal(sealed.rows.length, 1);
    assert.ok(await blobs.has(sealed.rows[0]?.sha256 ?? ''));
  });

  it('sends a personal download link instead of attachments above the size limit', async () => {
    const solo = await newEnvelope('k2', ['carol@example.test']);
    const token = solo.tokens[0] as string;
    clock.advance(3_600_000);
    await confirmPhone(token, '+33611223344');
    await submitSignature(deps, {
      ...request(token),
      placements: [{ ...request(token).placements[0], documentId: solo.documentId } as never],
    });
    const small = { ...deps, settings: { ...deps.settings, sealedAttachMaxBytes: 1000 } };
    assert.equal((await sealEnvelope(small, { envelopeId: solo.envelopeId })).status, 'completed');
    const { rows } = await db.query<{ raw_sha256: string }>(
      `SELECT raw_sha256 FROM mail_outbox WHERE envelope_id = $1 AND purpose = 'signing.completed' AND recipients::text LIKE '%carol%'`,
      [solo.envelopeId],
    );
    const mail = await simpleParser(Buffer.from(await blobs.get(rows[0]?.raw_sha256 ?? '')));
    assert.equal(mail.attachments.length, 0);
    const link = /https:\/\/sign\.example\.test\/d\/([\w-]+)/.exec(mail.text ?? '');
    assert.ok(link?.[1]);
    const download = await findSealedDownload(db, link[1]);
    assert.equal(download.files.length, 1);
    assert.ok(await blobs.has(download.files[0]?.sha256 ?? ''));
  });

  it('gives an envelope stuck in sealing (its job failed) a new seal job', async () => {
    const solo = await newEnvelope('k3', ['dan@example.test']);
    const token = solo.tokens[0] as string;
    clock.advance(3_600_000);
    await confirmPhone(token, '+33655667788');
    const placement = { documentId: solo.documentId, page: 1, x: 10, y: 10, width: 150, height: 50 };
    await submitSignature(deps, { ...request(token), placements: [placement] });
    await db.query(`UPDATE jobs SET status = 'failed' WHERE payload->>'envelopeId' = $1`, [solo.envelopeId]);
    assert.deepEqual(await sweepStuckSeals(deps), []);
    clock.advance(16 * 60_000);
    assert.deepEqual(await sweepStuckSeals(deps), [solo.envelopeId]);
    assert.deepEqual(await sweepStuckSeals(deps), []);
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM jobs WHERE kind = 'signing.seal' AND payload->>'envelopeId' = $1 ORDER BY created_at`,
      [solo.envelopeId],
    );
    assert.deepEqual(
      rows.map((r) => r.status),
      ['failed', 'queued'],
    );
  });

  it('says "this link is personal" once in each mail that carries a signing link, and in no other', async () => {
    const { rows } = await db.query<{ purpose: string; raw_sha256: string }>(
      'SELECT purpose, raw_sha256 FROM mail_outbox ORDER BY created_at',
    );
    const purposes = new Set<string>();
    for (const row of rows) {
      const mail = await simpleParser(Buffer.from(await blobs.get(row.raw_sha256)));
      const text = mail.text ?? '';
      const times = text.match(/est personnel/g)?.length ?? 0;
      const hasSigningLink = /https:\/\/sign\.example\.test\/s\/[\w-]+/.test(text);
      assert.equal(times, hasSigningLink ? 1 : 0, `${row.purpose}: ${text}`);
      purposes.add(row.purpose);
    }
    // The check covers mails with a link and mails without one.
    for (const purpose of ['signing.turn', 'signing.reminder', 'signing.progress', 'signing.completed'])
      assert.ok(purposes.has(purpose), purpose);
  });

  it('refuses a decline once the envelope has ended', async () => {
    assert.equal(
      await code(
        declineSigning(deps, { token: tokens[1] as string, reason: null, ip: null, userAgent: null }),
      ),
      'SIGNING_ENDED',
    );
  });

  it('releases what is held when a signer declines and when a request expires', async () => {
    const held = async () => (await readTotals(db, accountId)).heldCents;
    const start = await held();
    const declined = await newEnvelope('b1', ['erin@example.test', 'fay@example.test']);
    await newEnvelope('b2', ['gus@example.test']);
    assert.equal(await held(), start + 300);
    await declineSigning(deps, {
      token: declined.tokens[0] as string,
      reason: null,
      ip: null,
      userAgent: null,
    });
    assert.equal(await held(), start + 100);
    clock.advance(31 * 86_400_000);
    assert.ok((await expireEnvelopes(deps)) >= 1);
    assert.equal(await held(), 0, 'no open request is left');
    assert.deepEqual((await checkBilling(db, { now: clock.now(), rules })).problems, []);
  });
});
