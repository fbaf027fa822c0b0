import type { Queryable } from '../db/index.js';
import { appendEntry, BEFORE_BILLING, countReceivedInWindow, lockAccount, totalsAfter } from './ledger.js';
import { isFreeSignature } from './rules.js';
import { planHolds, settleHolds } from './settle-holds.js';
import type { BillingDeps } from './types.js';

export type SignatureBilling = { kind: 'charge'; amountCents: number } | { kind: 'free'; amountCents: 0 };

/**
 * A signer completed their signature (in this transaction, after their turn was recorded): one
 * charge or free entry by the price rule, then the account's hold shrinks by what this signer no
 * longer needs. Requests accepted before billing existed are received free and outside the window,
 * since nothing was held for them.
 */
export async function chargeSignature(
  tx: Queryable,
  deps: BillingDeps,
  input: { accountId: string; envelopeId: string; signerId: string },
): Promise<SignatureBilling> {
  await lockAccount(tx, input.accountId);
  const now = deps.clock.now();
  const billed = await tx.query('SELECT 1 FROM billed_envelopes WHERE envelope_id = $1', [input.envelopeId]);
  const isBilled = billed.rows.length > 0;
  const receivedInWindow = await countReceivedInWindow(tx, {
    accountId: input.accountId,
    now,
    rules: deps.rules,
  });
  const isCharged =
    isBilled && !isFreeSignature({ receivedInWindow, rules: deps.rules }) && deps.rules.priceCents > 0;
  const entry = await appendEntry(tx, deps, {
    accountId: input.accountId,
    kind: isCharged ? 'charge' : 'free',
    amountCents: isCharged ? -deps.rules.priceCents : 0,
    reason: !isBilled ? BEFORE_BILLING : isCharged ? 'signature_received' : 'free_window',
    idempotencyKey: `signature:${input.signerId}`,
    envelopeId: input.envelopeId,
    signerId: input.signerId,
    actor: 'system',
  });
  // No entry: this signature was billed before, with its hold settled in that same transaction.
  if (isBilled && entry) {
    const plan = await planHolds(tx, deps, {
      accountId: input.accountId,
      known: { totals: totalsAfter(entry), receivedInWindow: receivedInWindow + 1 },
    });
    await settleHolds(tx, deps, {
      ...input,
      plan,
      idempotencyKey: `signature-hold:${input.signerId}`,
      reason: 'signature_received',
    });
  }
  if (entry) {
    deps.metrics?.signatures.inc({ kind: entry.kind });
    if (isCharged) deps.metrics?.chargedCents.inc(deps.rules.priceCents);
  }
  return isCharged
    ? { kind: 'charge', amountCents: deps.rules.priceCents }
    : { kind: 'free', amountCents: 0 };
}
