import { releaseRequest } from '../billing/index.js';
import { endEnvelope, getEnvelope } from '../envelopes/index.js';
import type { SigningDeps } from './deps.js';
import { notifyEnded } from './notify.js';

/**
 * An operator (or the expiry sweep) ends an envelope still collecting signatures; the sender is
 * told. ENVELOPE_STATE_CONFLICT when it already ended or is being sealed.
 */
export async function endSigning(
  deps: SigningDeps,
  input: { envelopeId: string; how: 'cancelled' | 'expired'; actor: 'operator' | 'system' },
): Promise<void> {
  const details = await getEnvelope(deps.db, input.envelopeId);
  const outboxId = await deps.db.transaction(async (tx) => {
    await endEnvelope(tx, deps, { envelopeId: input.envelopeId, to: input.how, actor: input.actor });
    // What was held for the signers who will now never sign goes back to the available balance.
    await releaseRequest(tx, deps.billing, {
      accountId: details.envelope.accountId,
      envelopeId: input.envelopeId,
      how: input.how,
    });
    return notifyEnded(tx, deps, {
      envelope: details.envelope,
      how: input.how,
      signedCount: details.signers.filter((s) => s.status === 'signed').length,
      total: details.signers.length,
    });
  });
  deps.deliverSoon?.([outboxId]);
}
