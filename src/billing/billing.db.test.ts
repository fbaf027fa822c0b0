import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { testBillingRules } from '../../test/support/billing.js';
import { freshDb, testEngine } from '../../test/support/db.js';
import { createAccount } from '../accounts/index.js';
import type { Db } from '../db/index.js';
import {
  completeSignerTurn,
  createEnvelope,
  declineEnvelope,
  endEnvelope,
  getEnvelope,
} from '../envelopes/index.js';
import { type ManualClock, manualClock } from '../shared/clock.js';
import { randomIds } from '../shared/ids.js';
import {
  type BillingRules,
  billingMetrics,
  chargeSignature,
  checkBilling,
  creditAccount,
  getAccountBilling,
  holdForRequest,
  listLedgerEntries,
  readTotals,
  releaseRequest,
} from './index.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const t0 = new Date('2026-10-01T08:00:00Z');

describe(`billing ledger (${testEngine})`, () => {
  let db: Db;
  let accountCount = 0;
  before(async () => {
    db = await freshDb();
  });
  after(async () => {
    await db.close();
  });

  async function newAccount(clock: ManualClock, creditCents = 0) {
    const name = `Compte ${++accountCount}`;
    const account = await createAccount(
      { db, clock, ids: randomIds },
      { name, mailboxes: [`sender${accountCount}@example.test`] },
    );
    const { rows } = await db.query<{ id: string }>('SELECT id FROM mailboxes WHERE account_id = $1', [
      account.id,
    ]);
    const deps = { clock, ids: randomIds, rules: testBillingRules() };
    if (creditCents > 0)
      await creditAccount(
        { ...deps, db },
        { accountId: account.id, amountCents: creditCents, reference: `initial-${name}`, actor: 'operator' },
      );
    return { accountId: account.id, mailboxId: rows[0]?.id ?? '', deps };
  }
  type TestAccount = Awaited<ReturnType<typeof newAccount>>;

  /** The account's place in its ledger and its money. */
  async function money(accountId: string) {
    const { seq, balanceCents, heldCents, availableCents } = await readTotals(db, accountId);
    return { seq, balanceCents, heldCents, availableCents };
  }

  /** A request with `signers` signers, accepted (held) unless `isBilled` is false. */
  async function newRequest(account: TestAccount, signers: number, options: { isBilled?: boolean } = {}) {
    return db.transaction(async (tx) => {
      const created = await createEnvelope(tx, account.deps, {
        accountId: account.accountId,
        mailboxId: account.mailboxId,
        senderAddress: 'sender@example.test',
        subject: 'Contrat',
        locale: 'fr',
        messageId: null,
        queueId: null,
        dedupeKey: randomIds.uuid(),
        raw: { sha256: 'a'.repeat(64), sizeBytes: 1 },
        expiresAt: new Date(account.deps.clock.now().getTime() + 60 * DAY),
        documents: [
          { fileName: 'c.pdf', sha256: 'b'.repeat(64), sizeBytes: 1, pageCount: 1, hasSignatures: false },
        ],
        signers: Array.from({ length: signers }, (_, i) => ({ address: `s${i}@example.test`, name: null })),
      });
      if (options.isBilled !== false)
        await holdForRequest(tx, account.deps, {
          accountId: account.accountId,
          envelopeId: created.envelopeId,
        });
      return created.envelopeId;
    });
  }

  /** The signer holding the turn signs, as submitSignature does it: turn, then charge, one transaction. */
  async function signNext(account: TestAccount, envelopeId: string) {
    const { signers } = await getEnvelope(db, envelopeId);
    const signer = signers.find((s) => s.status === 'current');
    assert.ok(signer, 'a signer holds the turn');
    return db.transaction(async (tx) => {
      await completeSignerTurn(tx, account.deps, { signerId: signer.id });
      return chargeSignature(tx, account.deps, {
        accountId: account.accountId,
        envelopeId,
        signerId: signer.id,
      });
    });
  }

  /** Eleven one-signer requests signed one minute apart from t0. */
  async function elevenSignatures(clock: ManualClock, account: TestAccount): Promise<string[]> {
    const kinds: string[] = [];
    for (let i = 0; i < 11; i++) {
      clock.set(new Date(t0.getTime() + i * MINUTE));
      kinds.push((await signNext(account, await newRequest(account, 1))).kind);
    }
    return kinds;
  }

  it('receives the 1st to 9th signature of 30 days free and charges the 10th and the 11th', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock, 1000);
    const kinds = await elevenSignatures(clock, account);
    assert.deepEqual(kinds, [...Array(9).fill('free'), 'charge', 'charge']);
    const totals = await money(account.accountId);
    assert.deepEqual(totals, { seq: totals.seq, balanceCents: 800, heldCents: 0, availableCents: 800 });
    assert.equal(
      (await getAccountBilling(db, { ...account, now: clock.now(), rules: account.deps.rules }))
        .receivedInWindow,
      11,
    );
  });

  it('frees a signature again once older ones leave the window, to the millisecond', async () => {
    // Same history on two accounts; 30 days after the third signature the window holds 8 of them.
    const edge = new Date(t0.getTime() + 30 * DAY + 2 * MINUTE);
    const justBefore = manualClock(t0);
    const before = await newAccount(justBefore, 1000);
    await elevenSignatures(justBefore, before);
    justBefore.set(new Date(edge.getTime() - 1));
    assert.equal(
      (await signNext(before, await newRequest(before, 1))).kind,
      'charge',
      '9 still in the window',
    );

    const atEdge = manualClock(t0);
    const after = await newAccount(atEdge, 1000);
    await elevenSignatures(atEdge, after);
    atEdge.set(edge);
    assert.equal(
      (await signNext(after, await newRequest(after, 1))).kind,
      'free',
      'an entry exactly 30 days old has left',
    );
  });

  it('holds the worst case, refuses a request the available balance cannot cover, and writes nothing for it', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock, 500);
    const first = await newRequest(account, 12);
    assert.deepEqual(await money(account.accountId), {
      seq: 2,
      balanceCents: 500,
      heldCents: 300,
      availableCents: 200,
    });
    await assert.rejects(newRequest(account, 3), (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'BILLING_BALANCE_INSUFFICIENT');
      assert.deepEqual((error as { details?: unknown }).details, { availableCents: 200, missingCents: 100 });
      return true;
    });
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM envelopes WHERE account_id = $1',
      [account.accountId],
    );
    assert.equal(rows[0]?.n, 1, 'the refused request left no envelope');
    assert.equal((await readTotals(db, account.accountId)).seq, 2);
    // Two more fit exactly: 14 signers, 9 surely free, 5 × 1 €.
    await newRequest(account, 2);
    assert.equal((await readTotals(db, account.accountId)).availableCents, 0);
    // Signing moves nothing while the window is under the threshold (the hold still covers the rest).
    assert.equal((await signNext(account, first)).kind, 'free');
    assert.equal((await readTotals(db, account.accountId)).heldCents, 500);
  });

  it('releases what remains held when a request is declined, cancelled or expires', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock, 1500);
    // Nothing free, so every pending signer is held and each release is visible.
    account.deps.rules = testBillingRules({ freeThreshold: 1 });
    const declined = await newRequest(account, 5);
    const cancelled = await newRequest(account, 4);
    const expired = await newRequest(account, 3);
    assert.equal((await readTotals(db, account.accountId)).heldCents, 1200);
    assert.equal((await signNext(account, declined)).kind, 'charge');
    await db.transaction(async (tx) => {
      const { signers } = await getEnvelope(tx, declined);
      const current = signers.find((s) => s.status === 'current');
      await declineEnvelope(tx, account.deps, { signerId: current?.id ?? '', reason: null });
      await releaseRequest(tx, account.deps, {
        accountId: account.accountId,
        envelopeId: declined,
        how: 'declined',
      });
    });
    for (const [envelopeId, how] of [
      [cancelled, 'cancelled'],
      [expired, 'expired'],
    ] as const)
      await db.transaction(async (tx) => {
        await endEnvelope(tx, account.deps, { envelopeId, to: how, actor: 'system' });
        await releaseRequest(tx, account.deps, { accountId: account.accountId, envelopeId, how });
      });
    const entries = await listLedgerEntries(db, { accountId: account.accountId, limit: 50 });
    assert.deepEqual(entries.map((e) => [e.kind, e.amountCents, e.reason]).reverse(), [
      ['credit', 1500, 'top_up'],
      ['hold', -500, 'request_accepted'],
      ['hold', -400, 'request_accepted'],
      ['hold', -300, 'request_accepted'],
      ['charge', -100, 'signature_received'],
      ['hold_release', 100, 'signature_received'],
      ['hold_release', 400, 'request_declined'],
      ['hold_release', 400, 'request_cancelled'],
      ['hold_release', 300, 'request_expired'],
    ]);
    assert.deepEqual(await money(account.accountId), {
      seq: 9,
      balanceCents: 1400,
      heldCents: 0,
      availableCents: 1400,
    });
  });

  it('credits once per reference, refuses the reference again with another amount, and audits it', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock);
    const registry = new Registry();
    const deps = { ...account.deps, db, metrics: billingMetrics(registry) };
    const input = {
      accountId: account.accountId,
      amountCents: 2500,
      reference: 'CMD-2026-0042',
      reason: 'virement reçu',
      actor: 'operator' as const,
    };
    const first = await creditAccount(deps, input);
    const again = await creditAccount(deps, input);
    assert.equal(first.isNew, true);
    assert.equal(again.isNew, false);
    assert.equal(again.entry.id, first.entry.id);
    await assert.rejects(creditAccount(deps, { ...input, amountCents: 2000 }), {
      code: 'BILLING_CREDIT_CONFLICT',
    });
    await assert.rejects(creditAccount(deps, { ...input, reference: 'X', amountCents: 0 }), {
      code: 'BILLING_CREDIT_INVALID',
    });
    assert.equal((await readTotals(db, account.accountId)).balanceCents, 2500);
    const counted = await registry.getSingleMetricAsString('paraphe_billing_credited_cents_total');
    assert.match(counted, /paraphe_billing_credited_cents_total\{actor="operator"\} 2500$/m, 'counted once');
    const { rows } = await db.query<{ actor: string; data: { reference: string } }>(
      `SELECT actor, data FROM audit_events WHERE type = 'account.credited' AND data->>'accountId' = $1`,
      [account.accountId],
    );
    assert.deepEqual(
      rows.map((r) => [r.actor, r.data.reference]),
      [['operator', 'CMD-2026-0042']],
    );
  });

  it('refuses to update or delete a ledger entry', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock, 100);
    await assert.rejects(
      db.query('UPDATE ledger_entries SET amount_cents = 1000000 WHERE account_id = $1', [account.accountId]),
      /append-only/,
    );
    await assert.rejects(
      db.query('DELETE FROM ledger_entries WHERE account_id = $1', [account.accountId]),
      /append-only/,
    );
    assert.equal((await readTotals(db, account.accountId)).balanceCents, 100);
  });

  it('receives the signatures of requests accepted before billing free and outside the window', async () => {
    const clock = manualClock(t0);
    const account = await newAccount(clock);
    const legacy = await newRequest(account, 12, { isBilled: false });
    for (let i = 0; i < 12; i++) assert.equal((await signNext(account, legacy)).kind, 'free');
    const summary = await getAccountBilling(db, { ...account, now: clock.now(), rules: account.deps.rules });
    assert.equal(summary.receivedInWindow, 0);
    assert.equal(summary.availableCents, 0);
  });

  it('reconciles: totals equal the sums, and a signed signer without an entry is reported', async () => {
    const rules: BillingRules = testBillingRules();
    const clean = await checkBilling(db, { now: new Date(t0.getTime() + 40 * DAY), rules });
    assert.deepEqual(clean.problems, []);
    assert.ok(clean.entries > 20);
    const clock = manualClock(t0);
    const account = await newAccount(clock, 100);
    const envelopeId = await newRequest(account, 1);
    // A signature recorded without its ledger entry (what a bug bypassing chargeSignature would leave).
    const { signers } = await getEnvelope(db, envelopeId);
    await db.query(`UPDATE signers SET status = 'signed' WHERE id = $1`, [signers[0]?.id]);
    const found = await checkBilling(db, { now: clock.now(), rules });
    assert.deepEqual(
      found.problems.map((p) => [p.accountId, p.problem]),
      [[account.accountId, 'signature_not_one_entry']],
    );
  });
});
