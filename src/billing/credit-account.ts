import { z } from 'zod';
import { recordAuditEvent } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { appendEntry, findEntryByKey, lockAccount } from './ledger.js';
import type { BillingDeps, LedgerActor, LedgerEntry } from './types.js';

/** Largest single credit (100 000 € HT): beyond it, a typing mistake is more likely than a payment. */
export const MAX_CREDIT_CENTS = 10_000_000;

export const CreditInputSchema = z.object({
  accountId: z.string().uuid(),
  amountCents: z.number().int().positive().max(MAX_CREDIT_CENTS),
  reference: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(1).max(500).optional(),
  actor: z.enum(['operator', 'provider', 'payment']),
  topUpId: z.string().uuid().optional(),
});
export type CreditInput = z.input<typeof CreditInputSchema>;

/**
 * Credits an account with one entry, once per reference: asking again with the same reference
 * (a retried command, a replayed webhook) returns the first entry and credits nothing; the same
 * reference with another amount is refused, as it is surely a mistake. Written to the audit trail.
 */
export async function creditAccount(
  deps: BillingDeps & { db: Db },
  input: CreditInput,
): Promise<{ entry: LedgerEntry; isNew: boolean }> {
  const parsed = CreditInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('BILLING_CREDIT_INVALID', `invalid credit: ${parsed.error.issues[0]?.message ?? ''}`, {
      details: { max: MAX_CREDIT_CENTS },
    });
  const credit = parsed.data;
  const idempotencyKey = `credit:${credit.reference}`;
  const result = await deps.db.transaction(async (tx) => {
    await lockAccount(tx, credit.accountId);
    const created = await appendEntry(tx, deps, {
      accountId: credit.accountId,
      kind: 'credit',
      amountCents: credit.amountCents,
      reason: credit.reason ?? 'top_up',
      idempotencyKey,
      reference: credit.reference,
      topUpId: credit.topUpId ?? null,
      actor: credit.actor as LedgerActor,
    });
    if (!created) {
      const existing = await findEntryByKey(tx, { accountId: credit.accountId, idempotencyKey });
      if (!existing) throw new Error(`credit ${idempotencyKey} conflicted without a row`);
      return { entry: existing, isNew: false };
    }
    await recordAuditEvent(tx, deps, {
      type: 'account.credited',
      actor: credit.actor === 'operator' ? 'operator' : 'system',
      data: {
        accountId: credit.accountId,
        amountCents: credit.amountCents,
        reference: credit.reference,
        reason: credit.reason ?? null,
        source: credit.actor,
        ledgerEntryId: created.id,
      },
    });
    return { entry: created, isNew: true };
  });
  if (!result.isNew && result.entry.amountCents !== credit.amountCents)
    throw new AppError(
      'BILLING_CREDIT_CONFLICT',
      `reference ${credit.reference} already credited ${result.entry.amountCents} cents`,
      { details: { reference: credit.reference, amountCents: result.entry.amountCents } },
    );
  if (result.isNew) {
    deps.metrics?.credits.inc({ actor: credit.actor });
    deps.metrics?.creditedCents.inc({ actor: credit.actor }, credit.amountCents);
  }
  return result;
}
