import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { assertCents } from '../shared/money.js';
import { windowStart } from './rules.js';
import type { AccountTotals, BillingRules, LedgerActor, LedgerEntry, LedgerEntryKind } from './types.js';

export interface LedgerRow {
  id: string;
  account_id: string;
  seq: number;
  kind: LedgerEntryKind;
  amount_cents: number;
  reason: string;
  idempotency_key: string;
  envelope_id: string | null;
  signer_id: string | null;
  reference: string | null;
  top_up_id: string | null;
  actor: LedgerActor;
  balance_after_cents: number;
  held_after_cents: number;
  received_after: number;
  created_at: Date;
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    seq: Number(row.seq),
    kind: row.kind,
    amountCents: Number(row.amount_cents),
    reason: row.reason,
    idempotencyKey: row.idempotency_key,
    envelopeId: row.envelope_id,
    signerId: row.signer_id,
    reference: row.reference,
    topUpId: row.top_up_id,
    actor: row.actor,
    balanceAfterCents: Number(row.balance_after_cents),
    heldAfterCents: Number(row.held_after_cents),
    receivedAfter: Number(row.received_after),
    createdAt: row.created_at,
  };
}

/** What appendEntry needs of the latest entry: its place, totals, count and time. */
export type LastEntry = AccountTotals & { seq: number; receivedAfter: number; createdAt: Date | null };

/** Whether an entry is a signature the free window counts. */
function countsInWindow(entry: { kind: LedgerEntryKind; reason: string }): boolean {
  return (entry.kind === 'charge' || entry.kind === 'free') && entry.reason !== BEFORE_BILLING;
}

/** Reason of the free entries of requests accepted before billing existed (outside the window). */
export const BEFORE_BILLING = 'accepted_before_billing';

/**
 * Locks the account's row for the rest of the transaction, so movements on one account happen one
 * after the other (two requests cannot both spend the same euro). NO KEY UPDATE, not UPDATE: rows
 * that merely reference the account (a new envelope) are not blocked by it.
 */
export async function lockAccount(tx: Queryable, accountId: string): Promise<void> {
  const { rows } = await tx.query('SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId]);
  // rows, not rowCount: PGlite counts a locking SELECT's rows as 0 affected.
  if (rows.length === 0) throw new AppError('ACCOUNT_NOT_FOUND', `no account ${accountId}`);
}

/** The account's totals after its latest entry: one read of the (account_id, seq) index. */
export async function readTotals(db: Queryable, accountId: string): Promise<LastEntry> {
  const { rows } = await db.query<{
    seq: number;
    balance_after_cents: number;
    held_after_cents: number;
    received_after: number;
    created_at: Date;
  }>(
    `SELECT seq, balance_after_cents, held_after_cents, received_after, created_at FROM ledger_entries
     WHERE account_id = $1 ORDER BY seq DESC LIMIT 1`,
    [accountId],
  );
  const row = rows[0];
  // No entry yet: an account starts at zero (accounts that existed before billing too).
  if (!row)
    return { seq: 0, balanceCents: 0, heldCents: 0, availableCents: 0, receivedAfter: 0, createdAt: null };
  const balanceCents = Number(row.balance_after_cents);
  const heldCents = Number(row.held_after_cents);
  return {
    seq: Number(row.seq),
    balanceCents,
    heldCents,
    availableCents: balanceCents - heldCents,
    receivedAfter: Number(row.received_after),
    createdAt: new Date(row.created_at),
  };
}

export interface NewLedgerEntry {
  accountId: string;
  kind: LedgerEntryKind;
  amountCents: number;
  reason: string;
  idempotencyKey: string;
  envelopeId?: string | null;
  signerId?: string | null;
  reference?: string | null;
  topUpId?: string | null;
  actor: LedgerActor;
}

/** The totals an entry leaves the account with. */
export function totalsAfter(entry: LedgerEntry): LastEntry {
  return {
    seq: entry.seq,
    balanceCents: entry.balanceAfterCents,
    heldCents: entry.heldAfterCents,
    availableCents: entry.balanceAfterCents - entry.heldAfterCents,
    receivedAfter: entry.receivedAfter,
    createdAt: entry.createdAt,
  };
}

/**
 * Appends one entry with the account's new running totals. The caller holds the account lock
 * (lockAccount), so the latest entry read here (or `last`, read under the same lock) is still the
 * latest when this one is written. Returns null when an entry with the same idempotency key
 * exists: that movement already happened.
 */
export async function appendEntry(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  entry: NewLedgerEntry,
  last?: LastEntry,
): Promise<LedgerEntry | null> {
  const amount = assertCents(entry.amountCents);
  last ??= await readTotals(tx, entry.accountId);
  const isHold = entry.kind === 'hold' || entry.kind === 'hold_release';
  const balanceAfter = last.balanceCents + (isHold ? 0 : amount);
  const heldAfter = last.heldCents - (isHold ? amount : 0);
  // Never before the previous entry (clocks of several machines differ by a little): the window
  // count relies on time following the sequence.
  const now = deps.clock.now();
  const createdAt = last.createdAt && last.createdAt > now ? last.createdAt : now;
  const { rows } = await tx.query<LedgerRow>(
    `INSERT INTO ledger_entries (id, account_id, seq, kind, amount_cents, reason, idempotency_key, envelope_id,
       signer_id, reference, top_up_id, actor, balance_after_cents, held_after_cents, received_after, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING *`,
    [
      deps.ids.uuid(),
      entry.accountId,
      last.seq + 1,
      entry.kind,
      amount,
      entry.reason,
      entry.idempotencyKey,
      entry.envelopeId ?? null,
      entry.signerId ?? null,
      entry.reference ?? null,
      entry.topUpId ?? null,
      entry.actor,
      balanceAfter,
      heldAfter,
      last.receivedAfter + (countsInWindow(entry) ? 1 : 0),
      createdAt,
    ],
  );
  return rows[0] ? toLedgerEntry(rows[0]) : null;
}

/** The entry written under an idempotency key, if any. */
export async function findEntryByKey(
  db: Queryable,
  input: { accountId: string; idempotencyKey: string },
): Promise<LedgerEntry | null> {
  const { rows } = await db.query<LedgerRow>(
    'SELECT * FROM ledger_entries WHERE account_id = $1 AND idempotency_key = $2',
    [input.accountId, input.idempotencyKey],
  );
  return rows[0] ? toLedgerEntry(rows[0]) : null;
}

/**
 * Signatures the account received in the window ending at `now` (charged or free), without those
 * of requests accepted before billing existed.
 */
export async function countReceivedInWindow(
  db: Queryable,
  input: { accountId: string; now: Date; rules: BillingRules },
): Promise<number> {
  // Received up to the window's end minus received up to its start, by the (account_id,
  // created_at, seq) index: constant time whatever the account's volume.
  const { rows } = await db.query<{ n: number }>(
    `SELECT coalesce((SELECT received_after FROM ledger_entries WHERE account_id = $1 AND created_at <= $3
                      ORDER BY created_at DESC, seq DESC LIMIT 1), 0)
          - coalesce((SELECT received_after FROM ledger_entries WHERE account_id = $1 AND created_at <= $2
                      ORDER BY created_at DESC, seq DESC LIMIT 1), 0) AS n`,
    [input.accountId, windowStart(input.now, input.rules), input.now],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Signers still expected on the account's open requests accepted under billing. */
export async function countPendingSigners(db: Queryable, accountId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM envelopes e
     JOIN billed_envelopes b ON b.envelope_id = e.id
     JOIN signers s ON s.envelope_id = e.id
     WHERE e.account_id = $1 AND e.status = 'pending' AND s.status IN ('waiting', 'current')`,
    [accountId],
  );
  return rows[0]?.n ?? 0;
}
