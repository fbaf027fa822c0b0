import type { Queryable } from '../db/index.js';
import { lockAccount } from './ledger.js';
import { settleHolds } from './settle-holds.js';
import type { BillingDeps } from './types.js';

/**
 * A request ended without all its signatures (declined, expired, cancelled; its status already
 * changed in this transaction): what was held for its remaining signers is released.
 */
export async function releaseRequest(
  tx: Queryable,
  deps: BillingDeps,
  input: { accountId: string; envelopeId: string; how: 'declined' | 'expired' | 'cancelled' },
): Promise<void> {
  await lockAccount(tx, input.accountId);
  await settleHolds(tx, deps, {
    accountId: input.accountId,
    envelopeId: input.envelopeId,
    idempotencyKey: `end:${input.envelopeId}`,
    reason: `request_${input.how}`,
  });
}
