import type { Queryable } from '../db/index.js';
import { countPendingSigners, countReceivedInWindow } from './ledger.js';
import { requiredHeldCents } from './rules.js';
import type { BillingRules } from './types.js';

export interface BillingProblem {
  accountId: string;
  problem:
    | 'totals_differ_from_sum'
    | 'received_count_differs'
    | 'sequence_gap'
    | 'negative_available'
    | 'negative_held'
    | 'under_held'
    | 'signature_not_one_entry'
    | 'entry_without_signature';
  detail: string;
}

/**
 * The reconciliation `paraphe billing check` runs: for every account, the running totals of its
 * latest entry equal the sums of its entries, the sequence has no gap, nothing is negative, the
 * hold covers the open requests; every signed signer has exactly one charge or free entry, and no
 * such entry exists for a signer who did not sign. An empty list means the books agree.
 */
export async function checkBilling(
  db: Queryable,
  input: { now: Date; rules: BillingRules },
): Promise<{ accounts: number; entries: number; problems: BillingProblem[] }> {
  const problems: BillingProblem[] = [];
  const { rows } = await db.query<{
    account_id: string;
    entries: number;
    max_seq: number;
    balance_sum: number;
    held_sum: number;
    balance_after: number;
    held_after: number;
    received: number;
    received_after: number;
  }>(
    `SELECT l.account_id, count(*)::int AS entries, max(l.seq) AS max_seq,
            coalesce(sum(l.amount_cents) FILTER (WHERE l.kind IN ('credit', 'charge', 'free')), 0) AS balance_sum,
            coalesce(-sum(l.amount_cents) FILTER (WHERE l.kind IN ('hold', 'hold_release')), 0) AS held_sum,
            (SELECT x.balance_after_cents FROM ledger_entries x WHERE x.account_id = l.account_id ORDER BY x.seq DESC LIMIT 1) AS balance_after,
            (SELECT x.held_after_cents FROM ledger_entries x WHERE x.account_id = l.account_id ORDER BY x.seq DESC LIMIT 1) AS held_after,
            count(*) FILTER (WHERE l.kind IN ('charge', 'free') AND l.reason <> 'accepted_before_billing')::int AS received,
            (SELECT x.received_after FROM ledger_entries x WHERE x.account_id = l.account_id ORDER BY x.seq DESC LIMIT 1) AS received_after
     FROM ledger_entries l GROUP BY l.account_id ORDER BY l.account_id`,
  );
  let entries = 0;
  for (const row of rows) {
    const [balanceSum, heldSum, balanceAfter, heldAfter] = [
      Number(row.balance_sum),
      Number(row.held_sum),
      Number(row.balance_after),
      Number(row.held_after),
    ];
    entries += row.entries;
    const add = (problem: BillingProblem['problem'], detail: string) =>
      problems.push({ accountId: row.account_id, problem, detail });
    if (balanceSum !== balanceAfter || heldSum !== heldAfter)
      add(
        'totals_differ_from_sum',
        `sums: balance ${balanceSum}, held ${heldSum}; totals: balance ${balanceAfter}, held ${heldAfter}`,
      );
    if (row.received !== Number(row.received_after))
      add('received_count_differs', `${row.received} signatures, latest count ${row.received_after}`);
    if (Number(row.max_seq) !== row.entries)
      add('sequence_gap', `${row.entries} entries, last seq ${row.max_seq}`);
    if (heldAfter < 0) add('negative_held', `held ${heldAfter}`);
    if (balanceAfter - heldAfter < 0) add('negative_available', `available ${balanceAfter - heldAfter}`);
    const required = requiredHeldCents({
      pendingSigners: await countPendingSigners(db, row.account_id),
      receivedInWindow: await countReceivedInWindow(db, {
        accountId: row.account_id,
        now: input.now,
        rules: input.rules,
      }),
      rules: input.rules,
    });
    if (heldAfter < required) add('under_held', `held ${heldAfter}, open requests need ${required}`);
  }
  const signatures = await db.query<{ account_id: string; signer_id: string; status: string; n: number }>(
    `SELECT e.account_id, s.id AS signer_id, s.status, count(l.id)::int AS n
     FROM signers s JOIN envelopes e ON e.id = s.envelope_id
     LEFT JOIN ledger_entries l ON l.signer_id = s.id AND l.kind IN ('charge', 'free')
     WHERE s.status = 'signed' OR l.id IS NOT NULL
     GROUP BY e.account_id, s.id, s.status
     HAVING count(l.id) <> CASE WHEN s.status = 'signed' THEN 1 ELSE 0 END`,
  );
  for (const row of signatures.rows)
    problems.push({
      accountId: row.account_id,
      problem: row.status === 'signed' ? 'signature_not_one_entry' : 'entry_without_signature',
      detail: `signer ${row.signer_id} (${row.status}): ${row.n} charge/free entries`,
    });
  return { accounts: rows.length, entries, problems };
}
