import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { lockAccount } from './ledger.js';
import { planHolds, settleHolds } from './settle-holds.js';
import type { BillingDeps } from './types.js';

/**
 * A *SIGN request was just stored (its envelope and signers, in this transaction): sets aside
 * what its signers may cost beyond the free window. When the available balance does not cover
 * it, throws BILLING_BALANCE_INSUFFICIENT (with the available and missing amounts) so the caller
 * rolls the whole request back. The account lock makes concurrent requests take turns.
 */
export async function holdForRequest(
  tx: Queryable,
  deps: BillingDeps,
  input: { accountId: string; envelopeId: string },
): Promise<{ heldCents: number }> {
  await lockAccount(tx, input.accountId);
  await tx.query('INSERT INTO billed_envelopes (envelope_id, account_id, created_at) VALUES ($1, $2, $3)', [
    input.envelopeId,
    input.accountId,
    deps.clock.now(),
  ]);
  const plan = await planHolds(tx, deps, input);
  if (plan.deltaCents > plan.totals.availableCents) {
    deps.metrics?.refusedForBalance.inc();
    throw new AppError(
      'BILLING_BALANCE_INSUFFICIENT',
      `account ${input.accountId}: request needs ${plan.deltaCents} cents, ${plan.totals.availableCents} available`,
      {
        details: {
          availableCents: plan.totals.availableCents,
          missingCents: plan.deltaCents - plan.totals.availableCents,
        },
      },
    );
  }
  await settleHolds(tx, deps, {
    ...input,
    plan,
    idempotencyKey: `request:${input.envelopeId}`,
    reason: 'request_accepted',
  });
  return { heldCents: Math.max(0, plan.deltaCents) };
}
