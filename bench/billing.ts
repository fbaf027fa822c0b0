// Billing figures, one run: what charging a signature adds to the submit transaction (p50/p95 ms),
// on a fresh account and on one with a million ledger entries, and the balance read at a million
// entries (latest row through the (account_id, seq) index) beside the plain SUM it replaces.
// Run: npx tsx bench/billing.ts   (embedded PGlite; DATABASE_URL=postgres://… for a server)
import { createAccount } from '../src/accounts/index.js';
import { chargeSignature, creditAccount, holdForRequest, readTotals } from '../src/billing/index.js';
import { type Db, migrate, openPglite, openPostgres } from '../src/db/index.js';
import { completeSignerTurn, createEnvelope } from '../src/envelopes/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { testBillingRules } from '../test/support/billing.js';

const ENTRIES = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);
const SIGNATURES = Number(process.env.BENCH_SIGNATURES ?? 200);
const rules = testBillingRules();
const deps = { clock: systemClock, ids: randomIds, rules };

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function newAccount(db: Db, name: string): Promise<{ accountId: string; mailboxId: string }> {
  const account = await createAccount(
    { db, ...deps },
    { name, mailboxes: [`${randomIds.uuid()}@bench.test`] },
  );
  const { rows } = await db.query<{ id: string }>('SELECT id FROM mailboxes WHERE account_id = $1', [
    account.id,
  ]);
  return { accountId: account.id, mailboxId: rows[0]?.id ?? '' };
}

/**
 * SIGNATURES one-signer requests accepted with their hold, then signed: each signature's
 * transaction records the turn (as submit does) and times chargeSignature inside it.
 */
async function chargeCost(db: Db, account: { accountId: string; mailboxId: string }) {
  await creditAccount(
    { ...deps, db },
    {
      accountId: account.accountId,
      amountCents: SIGNATURES * 100,
      reference: `bench-${randomIds.uuid()}`,
      actor: 'operator',
    },
  );
  const requests: { envelopeId: string; signerId: string }[] = [];
  for (let i = 0; i < SIGNATURES; i++)
    requests.push(
      await db.transaction(async (tx) => {
        const created = await createEnvelope(tx, deps, {
          ...account,
          senderAddress: 'bench@bench.test',
          subject: 'Bench',
          locale: 'fr',
          messageId: null,
          queueId: null,
          dedupeKey: randomIds.uuid(),
          raw: { sha256: 'a'.repeat(64), sizeBytes: 1 },
          expiresAt: new Date(Date.now() + 30 * 86_400_000),
          documents: [
            { fileName: 'b.pdf', sha256: 'b'.repeat(64), sizeBytes: 1, pageCount: 1, hasSignatures: false },
          ],
          signers: [{ address: 'signer@bench.test', name: null }],
        });
        if (!created.isNew) throw new Error('duplicate');
        await holdForRequest(tx, deps, { accountId: account.accountId, envelopeId: created.envelopeId });
        return { envelopeId: created.envelopeId, signerId: created.signers[0]?.id ?? '' };
      }),
    );
  const added: number[] = [];
  const whole: number[] = [];
  for (const request of requests) {
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      await completeSignerTurn(tx, deps, { signerId: request.signerId });
      const c0 = performance.now();
      await chargeSignature(tx, deps, { accountId: account.accountId, ...request });
      added.push(performance.now() - c0);
    });
    whole.push(performance.now() - t0);
  }
  return { added, whole };
}

/** ENTRIES entries for one account (a credit then nine charges, one a minute), totals consistent. */
async function fillLedger(db: Db, accountId: string): Promise<void> {
  const chunk = 100_000;
  // Up to an hour ago: the last 30 days hold ~39 000 charges, which the free-window count reads.
  const end = Date.now() - 3_600_000;
  for (let from = 1; from <= ENTRIES; from += chunk) {
    const to = Math.min(ENTRIES, from + chunk - 1);
    await db.query(
      `INSERT INTO ledger_entries (id, account_id, seq, kind, amount_cents, reason, idempotency_key, actor,
         balance_after_cents, held_after_cents, received_after, created_at)
       SELECT gen_random_uuid(), $1, i,
              CASE WHEN (i - 1) % 10 = 0 THEN 'credit' ELSE 'charge' END,
              CASE WHEN (i - 1) % 10 = 0 THEN 1000 ELSE -100 END,
              'bench', 'bench:' || i, 'system',
              ((i - 1) / 10) * 100 + 1000 - ((i - 1) % 10) * 100, 0, i - ((i - 1) / 10 + 1),
              to_timestamp($4::double precision / 1000) - make_interval(mins => ($5::int - i))
       FROM generate_series($2::int, $3::int) AS i`,
      [accountId, from, to, end, ENTRIES],
    );
  }
}

async function timeQuery(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

async function main() {
  const url = process.env.DATABASE_URL;
  const db = url ? await openPostgres({ url, poolSize: 4 }) : await openPglite(undefined);
  await migrate(db);
  const engine = url ? 'Postgres server' : 'PGlite (in memory)';
  console.log(
    `billing bench on ${engine}: ${SIGNATURES} signatures, ${ENTRIES.toLocaleString('en')} ledger entries`,
  );

  const fresh = await chargeCost(db, await newAccount(db, 'Fresh'));
  console.log(
    `charge in the submit transaction, fresh account: added p50 ${ms(pct(fresh.added, 50))}, p95 ${ms(pct(fresh.added, 95))}` +
      ` (whole turn+charge transaction p95 ${ms(pct(fresh.whole, 95))})`,
  );

  const big = await newAccount(db, 'Big');
  const t0 = performance.now();
  await fillLedger(db, big.accountId);
  await db.exec('ANALYZE ledger_entries');
  console.log(
    `filled ${ENTRIES.toLocaleString('en')} entries for one account in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const latest = await timeQuery(200, () => readTotals(db, big.accountId));
  const sum = await timeQuery(5, () =>
    db.query('SELECT sum(amount_cents) FROM ledger_entries WHERE account_id = $1', [big.accountId]),
  );
  const totals = await readTotals(db, big.accountId);
  console.log(
    `balance at ${ENTRIES.toLocaleString('en')} entries (${totals.balanceCents} cents): latest row by (account_id, seq) p50 ${ms(pct(latest, 50))}, p95 ${ms(pct(latest, 95))};` +
      ` SUM over every entry p50 ${ms(pct(sum, 50))} (${(pct(sum, 50) / pct(latest, 50)).toFixed(0)}x slower)`,
  );

  const loaded = await chargeCost(db, big);
  console.log(
    `charge in the submit transaction, account with ${ENTRIES.toLocaleString('en')} entries: added p50 ${ms(pct(loaded.added, 50))}, p95 ${ms(pct(loaded.added, 95))}` +
      ` (whole turn+charge transaction p95 ${ms(pct(loaded.whole, 95))})`,
  );
  await db.close();
}

await main();
