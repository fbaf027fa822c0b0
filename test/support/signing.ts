import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAccount } from '../../src/accounts/index.js';
import { type BillingRules, creditAccount, holdForRequest } from '../../src/billing/index.js';
import { type BlobStore, openFsBlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import { createEnvelope, issueSignerLink } from '../../src/envelopes/index.js';
import { createWorker, type Worker } from '../../src/jobs/index.js';
import { ensureDevSealKey } from '../../src/keys/index.js';
import type { SealKey } from '../../src/pdf/index.js';
import { type Clock, type ManualClock, manualClock } from '../../src/shared/clock.js';
import { isAppError } from '../../src/shared/errors.js';
import { randomIds } from '../../src/shared/ids.js';
import type { SigningDeps, SigningSettings, SubmitSignatureInput } from '../../src/signing/index.js';
import { checkSigningCode, sendSigningCode, signingJobs, submitSignature } from '../../src/signing/index.js';
import { devSmsSender } from '../../src/sms/index.js';
import { testBillingRules } from './billing.js';
import { freshDb } from './db.js';
import { silentLogger } from './logger.js';
import { makeTestPdf } from './make-pdf.js';
import { junkDataPng, signaturePng } from './signature-png.js';
import { latestDevCode, testSmsSettings } from './sms.js';

export interface TestEnvelope {
  envelopeId: string;
  /** One personal link token per signer, in turn order. */
  tokens: string[];
  documentId: string;
}

export interface SigningFixture {
  db: Db;
  blobs: BlobStore;
  clock: ManualClock;
  deps: SigningDeps;
  /** The sender's account, credited 100 € so that no request is refused for balance. */
  accountId: string;
  /** An envelope from sender@example.test with one 2-page PDF and these signers in order. */
  newEnvelope(key: string, addresses: string[]): Promise<TestEnvelope>;
  /** Sends a code to the signer's phone and confirms it, as the page does. */
  confirmPhone(token: string, phone: string): Promise<void>;
  /**
   * A one-signer envelope, signed, whose stored image the stamp cannot decode: what a junk PNG
   * accepted before submit decoded images (issue 11, defect 1) left behind. Returns the sha256 of
   * the good image it replaced.
   */
  signedWithUndecodableImage(key: string, phone: string): Promise<TestEnvelope & { goodSha: string }>;
  /**
   * A worker running the signing jobs. Wide enough to claim every due job at once: the mail jobs
   * queued beside a seal job have no handler here (delivery is not under test) and only go back.
   */
  signingWorker(): Worker;
  /** A valid submit: a real drawn PNG placed on page `page` of the document. */
  request(token: string, documentId: string, page?: number): SubmitSignatureInput;
  close(): Promise<void>;
}

/** Resolves to the AppError code a promise fails with, or 'ok'. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return 'ok';
}

/**
 * Everything the signing use cases need around a fresh database (or `db`, already migrated):
 * blobs in a temporary folder (or `blobsDir`), a frozen clock, the dev SMS outbox, a generated
 * dev seal key, and one account to send from.
 */
export async function signingFixture(
  o: { now?: string; db?: Db; blobsDir?: string; billingRules?: BillingRules } = {},
): Promise<SigningFixture> {
  const db = o.db ?? (await freshDb());
  const clock = manualClock(o.now ?? '2026-11-26T09:00:00Z');
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-signing-'));
  const ids = randomIds;
  const blobs = await openFsBlobStore({ root: o.blobsDir ?? dir, ids });
  const key = await ensureDevSealKey(path.join(dir, 'keys'));
  const deps = testSigningDeps({
    db,
    blobs,
    clock,
    getKey: async () => key,
    ...(o.billingRules ? { billingRules: o.billingRules } : {}),
  });
  const account = await createAccount(
    { db, clock, ids },
    { name: 'Test', mailboxes: ['sender@example.test'] },
  );
  await creditAccount(
    { ...deps.billing, db },
    { accountId: account.id, amountCents: 10_000, reference: 'signing-fixture', actor: 'operator' },
  );
  const pdf = await blobs.put(await makeTestPdf({ pages: 2 }));

  async function newEnvelope(key: string, addresses: string[]): Promise<TestEnvelope> {
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
      const tokens: string[] = [];
      for (const signer of result.signers)
        tokens.push(
          (
            await issueSignerLink(
              tx,
              { clock, ids },
              { signerId: signer.id, envelopeId: result.envelopeId, purpose: 'copy', publicUrl: 'https://x' },
            )
          ).token,
        );
      const doc = await tx.query<{ id: string }>('SELECT id FROM documents WHERE envelope_id = $1', [
        result.envelopeId,
      ]);
      return { envelopeId: result.envelopeId, tokens, documentId: doc.rows[0]?.id ?? '' };
    });
  }

  async function confirmPhone(token: string, phone: string): Promise<void> {
    const sent = await sendSigningCode(deps, { token, phone, locale: 'fr', ip: null, userAgent: null });
    assert.equal(sent.status, 'sent');
    const check = await checkSigningCode(deps, {
      token,
      code: await latestDevCode(db, phone),
      ip: null,
      userAgent: null,
    });
    assert.equal(check.status, 'confirmed');
  }

  const request = (token: string, documentId: string, page = 2): SubmitSignatureInput => ({
    token,
    imagePng: signaturePng(),
    method: 'drawn',
    placements: [{ documentId, page, x: 300, y: 600, width: 150, height: 50 }],
    isConsentGiven: true,
    ip: '192.0.2.1',
    userAgent: 'test',
  });

  async function signedWithUndecodableImage(key: string, phone: string) {
    const envelope = await newEnvelope(key, ['solo@example.test']);
    const token = envelope.tokens[0] as string;
    await confirmPhone(token, phone);
    await submitSignature(deps, request(token, envelope.documentId));
    const junk = await blobs.put(junkDataPng(key.length));
    const { rows } = await db.query<{ image_sha256: string }>(
      'SELECT image_sha256 FROM signatures WHERE envelope_id = $1',
      [envelope.envelopeId],
    );
    await db.query('UPDATE signatures SET image_sha256 = $2 WHERE envelope_id = $1', [
      envelope.envelopeId,
      junk.sha256,
    ]);
    return { ...envelope, goodSha: rows[0]?.image_sha256 ?? '' };
  }

  return {
    db,
    blobs,
    clock,
    deps,
    accountId: account.id,
    newEnvelope,
    confirmPhone,
    signedWithUndecodableImage,
    signingWorker: () =>
      createWorker({
        db,
        clock,
        ids,
        logger: silentLogger,
        jobs: signingJobs(deps),
        concurrency: 50,
        leaseSeconds: 60,
        pollMs: 10,
        stopGraceSeconds: 5,
      }),
    request,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signing dependencies around a test database: dev SMS outbox, generous rate limits, a given key. */
export function testSigningDeps(o: {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  getKey: () => Promise<SealKey>;
  settings?: Partial<SigningSettings>;
  billingRules?: BillingRules;
}): SigningDeps {
  const { db, clock } = o;
  const ids = randomIds;
  const sms = testSmsSettings();
  return {
    db,
    blobs: o.blobs,
    clock,
    ids,
    sms: {
      db,
      clock,
      ids,
      sender: devSmsSender({ db, clock, ids }),
      settings: sms,
      secret: sms.otpSecret ?? '',
    },
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
      ...o.settings,
    },
    billing: { clock, ids, rules: o.billingRules ?? testBillingRules() },
    seal: {
      getKey: o.getKey,
      reason: () => 'TEST',
      location: '',
      contactInfo: '',
      docMdpPermissions: 1,
      locale: 'fr',
      level: 'B-B',
    },
  };
}
