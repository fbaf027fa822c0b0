import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import MailComposer from 'nodemailer/lib/mail-composer';
import { testBillingRules } from '../../../../test/support/billing.js';
import { freshDb, testEngine } from '../../../../test/support/db.js';
import { minimalPdf } from '../../../../test/support/pdf.js';
import { createAccount, findSenderMailbox, type SenderMailbox } from '../../../accounts/index.js';
import { checkBilling, creditAccount, readTotals } from '../../../billing/index.js';
import { type BlobStore, openFsBlobStore } from '../../../blobs/index.js';
import type { Db } from '../../../db/index.js';
import { inspectPdf } from '../../../pdf/index.js';
import { manualClock } from '../../../shared/clock.js';
import { randomIds } from '../../../shared/ids.js';
import { handleSignRequest } from './handle-sign-request.js';
import type { SignRequestDeps } from './types.js';

const pdf = minimalPdf('Bon de commande');

/** A *SIGN message from the customer to one signer, with its own Message-ID. */
async function signRequestMail(n: number): Promise<Uint8Array> {
  const built = await new MailComposer({
    from: 'paul@boulangerie.test',
    to: `client${n}@example.test`,
    subject: `Bon de commande ${n} *SIGN`,
    text: 'Merci de signer.',
    messageId: `<order-${n}@boulangerie.test>`,
    attachments: [{ filename: 'bon.pdf', content: pdf, contentType: 'application/pdf' }],
  })
    .compile()
    .build();
  return new Uint8Array(built);
}

describe(`*SIGN requests and the prepaid balance (${testEngine})`, () => {
  let db: Db;
  let dir: string;
  let blobs: BlobStore;
  let sender: SenderMailbox;
  let deps: SignRequestDeps;
  const clock = manualClock('2026-12-03T09:00:00Z');
  // Nothing free: each signer holds the price, so a balance of 10 € covers exactly 10 requests.
  const rules = testBillingRules({ freeThreshold: 1 });

  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-sign-billing-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    const account = await createAccount(
      { db, clock, ids: randomIds },
      { name: 'Boulangerie', mailboxes: ['paul@boulangerie.test'], subscriptionUntil: '2027-12-31' },
    );
    const billing = { clock, ids: randomIds, rules };
    await creditAccount(
      { ...billing, db },
      { accountId: account.id, amountCents: 1000, reference: 'T-1', actor: 'operator' },
    );
    const found = await findSenderMailbox(db, { address: 'paul@boulangerie.test', now: clock.now() });
    assert.ok(found);
    sender = found;
    deps = {
      db,
      blobs,
      clock,
      ids: randomIds,
      inspectPdf,
      billing,
      config: {
        marker: '*SIGN',
        maxSigners: 5,
        maxAttachmentBytes: 100_000,
        publicUrl: 'https://sign.example.test',
        expiryDays: 30,
        notifyFrom: 'Paraphe <noreply@sign.example.test>',
        maxReplyBytes: 35 * 1024 * 1024,
      },
    };
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts exactly 10 of 50 parallel requests on a balance covering 10, never below zero', async () => {
    const mails = await Promise.all(Array.from({ length: 50 }, (_, n) => signRequestMail(n)));
    const outcomes = await Promise.all(
      mails.map((raw, n) =>
        handleSignRequest(deps, {
          raw,
          mailFrom: sender.address,
          recipients: [`client${n}@example.test`],
          sender,
          receivedAt: clock.now(),
        }),
      ),
    );
    const count = (what: string) => outcomes.filter((o) => o.outcome === what).length;
    assert.deepEqual({ created: count('created'), refused: count('refused') }, { created: 10, refused: 40 });
    assert.ok(
      outcomes.every((o) => o.outcome !== 'refused' || o.problems.join() === 'BILLING_BALANCE_INSUFFICIENT'),
    );

    const totals = await readTotals(db, sender.accountId);
    assert.deepEqual(
      { balance: totals.balanceCents, held: totals.heldCents, available: totals.availableCents },
      { balance: 1000, held: 1000, available: 0 },
    );
    const { rows } = await db.query<{ lowest: number; envelopes: number; copies: number; replies: number }>(
      `SELECT (SELECT min(balance_after_cents - held_after_cents) FROM ledger_entries WHERE account_id = $1) AS lowest,
              (SELECT count(*)::int FROM envelopes WHERE account_id = $1) AS envelopes,
              (SELECT count(*)::int FROM mail_outbox WHERE purpose = 'signer.copy') AS copies,
              (SELECT count(*)::int FROM mail_outbox WHERE purpose = 'sender.refusal') AS replies`,
      [sender.accountId],
    );
    assert.deepEqual(rows[0], { lowest: 0, envelopes: 10, copies: 10, replies: 40 });
    assert.deepEqual((await checkBilling(db, { now: clock.now(), rules })).problems, []);
  });
});
