import { recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { moveEnvelope } from './transition.js';

/**
 * The signer holding the turn declines: the signer and the envelope end as `declined`, nothing
 * will be sealed. Only the current signer may decline (SIGNER_NOT_CURRENT otherwise).
 */
export async function declineEnvelope(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { signerId: string; reason: string | null; ip?: string | null; userAgent?: string | null },
): Promise<{ envelopeId: string }> {
  const now = deps.clock.now();
  const reason = input.reason?.trim().slice(0, 1000) || null;
  const { rows } = await tx.query<{ envelope_id: string }>(
    `UPDATE signers SET status = 'declined', declined_at = $2, decline_reason = $3, updated_at = $2
     WHERE id = $1 AND status = 'current' RETURNING envelope_id`,
    [input.signerId, now, reason],
  );
  const row = rows[0];
  if (!row) throw new AppError('SIGNER_NOT_CURRENT', `signer ${input.signerId} does not hold the turn`);
  await moveEnvelope(tx, {
    envelopeId: row.envelope_id,
    from: ['pending'],
    to: 'declined',
    now,
    isFinal: true,
  });
  await recordAuditEvent(tx, deps, {
    type: 'envelope.declined',
    actor: 'signer',
    envelopeId: row.envelope_id,
    signerId: input.signerId,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
    data: { reason },
  });
  return { envelopeId: row.envelope_id };
}
