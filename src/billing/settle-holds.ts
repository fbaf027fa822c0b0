import type { Queryable } from '../db/index.js';
import {
  appendEntry,
  countPendingSigners,
  countReceivedInWindow,
  type LastEntry,
  readTotals,
} from './ledger.js';
import { requiredHeldCents } from './rules.js';
import type { BillingDeps } from './types.js';

export interface HoldPlan {
  totals: LastEntry;
  /** What the account must hold from now on. */
  requiredCents: number;
  /** requiredCents − held: more to set aside (> 0) or to release (< 0). */
  deltaCents: number;
}

/**
 * Works out what the account must hold now. The caller holds the account lock; `known` saves the
 * reads of what it has just computed under that lock.
 */
export async function planHolds(
  tx: Queryable,
  deps: BillingDeps,
  input: { accountId: string; known?: { totals: HoldPlan['totals']; receivedInWindow: number } },
): Promise<HoldPlan> {
  const now = deps.clock.now();
  const totals = input.known?.totals ?? (await readTotals(tx, input.accountId));
  const pendingSigners = await countPendingSigners(tx, input.accountId);
  const receivedInWindow =
    input.known?.receivedInWindow ??
    (await countReceivedInWindow(tx, { accountId: input.accountId, now, rules: deps.rules }));
  const requiredCents = requiredHeldCents({ pendingSigners, receivedInWindow, rules: deps.rules });
  return { totals, requiredCents, deltaCents: requiredCents - totals.heldCents };
}

/**
 * Brings the account's held amount to what its open requests may still cost, with one hold or
 * release entry linked to the envelope whose event caused it. The caller holds the account lock.
 */
export async function settleHolds(
  tx: Queryable,
  deps: BillingDeps,
  input: {
    accountId: string;
    envelopeId: string;
    signerId?: string;
    idempotencyKey: string;
    reason: string;
    plan?: HoldPlan;
  },
): Promise<void> {
  const plan = input.plan ?? (await planHolds(tx, deps, input));
  if (plan.deltaCents === 0) return;
  await appendEntry(
    tx,
    deps,
    {
      accountId: input.accountId,
      kind: plan.deltaCents > 0 ? 'hold' : 'hold_release',
      amountCents: -plan.deltaCents,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
      envelopeId: input.envelopeId,
      signerId: input.signerId ?? null,
      actor: 'system',
    },
    plan.totals,
  );
}
