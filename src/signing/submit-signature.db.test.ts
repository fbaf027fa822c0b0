import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { testBillingRules } from '../../test/support/billing.js';
import { freshDb } from '../../test/support/db.js';
import { makeTestPdf } from '../../test/support/make-pdf.js';
import { signaturePng } from '../../test/support/signature-png.js';
import { latestDevCode, testSmsSettings } from '../../test/support/sms.js';
import { createAccount } from '../accounts/index.js';
import { listAuditEvents } from '../audit/index.js';
import { checkBilling, creditAccount, holdForRequest, readTotals } from '../billing/index.js';
import { type BlobStore, openFsBlobStore } from '../blobs/index.js';
import type { Db } from '../db/index.js';
import { createEnvelope, getEnvelope, issueSignerLink } from '../envelopes/index.js';
import { ensureDevSealKey } from '../keys/index.js';
import { manualClock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import { randomIds } from '../shared/ids.js';
import { devSmsSender } from '../sms/index.js';
import { declineSigning } from './decline-signing.js';
import type { SigningDeps } from './deps.js';
import { sealEnvelope } from './seal-envelope.js';
import { findSealedDownload } from './sealed-downloads.js';
import { checkSigningCode, sendSigningCode } from './send-signing-code.js';
import { submitSignature } from './submit-signature.js';
import { expireEnvelopes, remindSigners, sweepStuckSeals } from './sweep-signing.js';

describe('signing use cases', () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  const clock = manualClock('2026-11-26T09:00:00Z');
  let deps: SigningDeps;
  let documentId: string;
  let envelopeId: string;
  let accountId: string;
  const tokens: string[] = [];
  // Every signature paid, so each charge and release shows in the ledger.
  const rules = testBillingRules({ freeThreshold: 1 });
  let newEnvelope: (
    key: string,
    addresses: string[],
  ) => Promise<{ envelopeId: string; tokens: string[]; documentId: string }>;

  before(async () => {
    db = await freshDb();
    dir = mkdtempSync(path.join(tmpdir(), 'paraphe-signing-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    const ids = randomIds;
    const settings = testSmsSettings();
    const sms = {
      db,
      clock,
      ids,
      sender: devSmsSender({ db, clock, ids }),
      settings,
      secret: settings.otpSecret ?? '',
    };
    const key = await ensureDevSealKey(path.join(dir, 'keys'));
    deps = {
      db,
      blobs,
      clock,
      ids,
      sms,
      billing: { clock, ids, rules },
      settings: {
        publicUrl: 'https://sign.example.test',
        codeFreshSeconds: 900,
        reminderAfterDays: 3,
        reminderEveryDays: 3,
        reminderMax: 3,
        sealedAttachMaxBytes: 15 * 1024 * 1024,
        ratePerIpPerMinute: 1000,
        ratePerTokenPerMinute: 1000,
        sealStuckMinutes: 15,
        sweepSeconds: 60,
        notifyFrom: 'Paraphe <noreply@example.test>',
      },
      seal: {
        getKey: async () => key,
        reason: () => 'TEST',
        location: '',
        contactInfo: '',
        docMdpPermissions: 1,
        locale: 'fr',
      },
    };
    const account = await createAccount(
      { db, clock, ids },
      { name: 'Test', mailboxes: ['sender@example.test'] },
    );
    accountId = account.id;
    await creditAccount(
      { clock, ids, rules, db },
      { accountId, amountCents: 10_000, reference: 'test', actor: 'operator' },
    );
    const pdf = await blobs.put(await makeTestPdf({ pages: 2 }));
    newEnvelope = async (key, addresses) => {
      const raw = await blobs.put(new TextEncoder().encode(`raw message ${key}`));
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>('SELECT id FROM mailboxes WHERE account_id = $1', [
          account.id,
        ]);
        const result = await createEnvelope(
          tx,
          { clock, ids },
          {
            accountId: account.id,
            mailboxId: rows[0]?.id ?? '',
            senderAddress: 'sender@example.test',
            subject: `Contrat ${key}`,
            locale: 'fr',
            messageId: null,
            queueId: null,
            dedupeKey: key,
            raw,
            expiresAt: new Date(clock.now().getTime() + 30 * 86_400_000),
            documents: [
              {
                fileName: 'contrat.pdf',
                sha256: pdf.sha256,
                sizeBytes: pdf.sizeBytes,
                pageCount: 2,
                hasSignatures: false,
              },
            ],
            signers: addresses.map((address) => ({
              address,
              name: address === 'alice@example.test' ? 'Alice' : null,
            })),
          },
        );
        assert.ok(result.isNew);
        await holdForRequest(tx, deps.billing, { accountId: account.id, envelopeId: result.envelopeId });
        const links: string[] = [];
        for (const signer of result.signers)
          links.push(
            (
              await issueSignerLink(
                tx,
                { clock, ids },
                {
                  signerId: signer.id,
                  envelopeId: result.envelopeId,
                  purpose: 'copy',
                  publicUrl: 'https://x',
                },
              )
            ).token,
          );
        const doc = await tx.query<{ id: string }>('SELECT id FROM documents WHERE envelope_id = $1', [
          result.envelopeId,
        ]);
        return { envelopeId: result.envelopeId, tokens: links, documentId: doc.rows[0]?.id ?? '' };
      });
    };
    const created = await newEnvelope('k1', ['alice@example.test', 'bob@example.test']);
    tokens.push(...created.tokens);
    envelopeId = created.envelopeId;
    documentId = (await getEnvelope(db, envelopeId)).documents[0]?.id ?? '';
  });

  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (token: string) => ({
    token,
    imagePng: signaturePng(),
    method: 'drawn' as const,
    placements: [{ documentId, page: 2, x: 300, y: 600, width: 150, height: 50 }],
    isConsentGiven: true,
    ip: '192.0.2.1',
    userAgent: 'test',
  });
  const confirmPhone = async (token: string, phone: string) => {
    const sent = await sendSigningCode(deps, { token, phone, locale: 'fr', ip: null, userAgent: null });
    assert.equal(sent.status, 'sent');
    const check = await checkSigningCode(deps, {
      token,
      code: await latestDevCode(db, phone),
      ip: null,
      userAgent: null,
    });
    assert.equal(check.status, 'confirmed');
  };
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      if (isAppError(error)) return error.code;
      throw error;
    }
    return 'ok';
  };

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
    assert.equal(await code(submitSignature(deps, request(alice))), 'SIGNING_CODE_REQUIRED');
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
