import { releaseRequest } from '../billing/index.js';
import { declineEnvelope } from '../envelopes/index.js';
import { AppError } from '../shared/errors.js';
import type { SigningDeps } from './deps.js';
import { loadSigningPage } from './load-signing-page.js';
import { notifyDeclined } from './notify.js';

/**
 * The signer holding the turn declines, with an optional reason: the envelope ends `declined`,
 * the sender and those who already signed are told, nothing is sealed. Declining twice is a no-op.
 */
export async function declineSigning(
  deps: SigningDeps,
  input: { token: string; reason: string | null; ip: string | null; userAgent: string | null },
): Promise<{ status: 'declined' | 'already-declined' }> {
  const view = await loadSigningPage(deps.db, { token: input.token, now: deps.clock.now() });
  if (view.state === 'declined' && view.signer.status === 'declined') return { status: 'already-declined' };
  if (view.state === 'not-yet') throw new AppError('SIGNING_NOT_YOUR_TURN', 'not this signer’s turn');
  if (view.state !== 'your-turn') throw new AppError('SIGNING_ENDED', `signing closed: ${view.state}`);
  const reason = input.reason?.trim().slice(0, 1000) || null;
  const outboxIds = await deps.db.transaction(async (tx) => {
    await declineEnvelope(tx, deps, {
      signerId: view.signer.id,
      reason,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    await releaseRequest(tx, deps.billing, {
      accountId: view.envelope.accountId,
      envelopeId: view.envelope.id,
      how: 'declined',
    });
    return notifyDeclined(tx, deps, {
      envelope: view.envelope,
      decliner: view.signer,
      reason,
      alreadySigned: view.signers.filter((s) => s.status === 'signed'),
    });
  });
  deps.deliverSoon?.(outboxIds);
  return { status: 'declined' };
}
