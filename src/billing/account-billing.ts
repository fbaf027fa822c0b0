import type { Queryable } from '../db/index.js';
import {
  countPendingSigners,
  countReceivedInWindow,
  type LedgerRow,
  readTotals,
  toLedgerEntry,
} from './ledger.js';
import { freeAllowance } from './rules.js';
import type { AccountTotals, BillingRules, LedgerEntry } from './types.js';

export interface AccountBilling extends AccountTotals {
  /** Signatures received in the window ending now (what the price rule counts). */
  receivedInWindow: number;
  /** Signatures still free in the window right now, before any pending signer signs. */
  freeLeft: number;
  /** Signers still expected on open requests. */
  pendingSigners: number;
}

/** An account's money and free window, for `paraphe account show` and the customer's page. */
export async function getAccountBilling(
  db: Queryable,
  input: { accountId: string; now: Date; rules: BillingRules },
): Promise<AccountBilling> {
  const totals = await readTotals(db, input.accountId);
  const receivedInWindow = await countReceivedInWindow(db, input);
  return {
    balanceCents: totals.balanceCents,
    heldCents: totals.heldCents,
    availableCents: totals.availableCents,
    receivedInWindow,
    freeLeft: Math.max(0, freeAllowance(input.rules) - receivedInWindow),
    pendingSigners: await countPendingSigners(db, input.accountId),
  };
}

/** An account's ledger, newest first. */
export async function listLedgerEntries(
  db: Queryable,
  input: { accountId: string; limit: number },
): Promise<LedgerEntry[]> {
  const { rows } = await db.query<LedgerRow>(
    'SELECT * FROM ledger_entries WHERE account_id = $1 ORDER BY seq DESC LIMIT $2',
    [input.accountId, input.limit],
  );
  return rows.map(toLedgerEntry);
}
