import { recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import { moveEnvelope } from './transition.js';

/**
 * Ends an envelope that is still collecting signatures: `cancelled` (an operator or the sender)
 * or `expired` (the expiry sweep). An envelope whose seal failed for good can be cancelled too.
 * ENVELOPE_STATE_CONFLICT when it already ended or is sealing.
 */
export async function endEnvelope(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { envelopeId: string; to: 'cancelled' | 'expired'; actor: 'operator' | 'sender' | 'system' },
): Promise<void> {
  await moveEnvelope(tx, {
    envelopeId: input.envelopeId,
    from: input.to === 'cancelled' ? ['pending', 'seal_failed'] : ['pending'],
    to: input.to,
    now: deps.clock.now(),
    isFinal: true,
  });
  await recordAuditEvent(tx, deps, {
    type: `envelope.${input.to}`,
    actor: input.actor,
    envelopeId: input.envelopeId,
  });
}

/** Pending envelopes whose expiry date passed, oldest first, for the expiry sweep. */
export async function listExpiredEnvelopes(
  db: Queryable,
  input: { now: Date; limit: number },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM envelopes WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [input.now, input.limit],
  );
  return rows.map((r) => r.id);
}

/** The seal job finished: `sealing` → `completed`, once. */
export async function markEnvelopeCompleted(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { envelopeId: string },
): Promise<void> {
  await moveEnvelope(tx, {
    envelopeId: input.envelopeId,
    from: ['sealing'],
    to: 'completed',
    now: deps.clock.now(),
    isFinal: true,
  });
  await recordAuditEvent(tx, deps, {
    type: 'envelope.completed',
    actor: 'system',
    envelopeId: input.envelopeId,
  });
}

/**
 * The seal failed for a reason running it again cannot cure: `sealing` → `seal_failed`, once
 * (conditional: false when the envelope was no longer sealing, e.g. cancelled meanwhile).
 */
export async function markEnvelopeSealFailed(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { envelopeId: string; code: string },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE envelopes SET status = 'seal_failed', updated_at = $2 WHERE id = $1 AND status = 'sealing' RETURNING id`,
    [input.envelopeId, deps.clock.now()],
  );
  if (rowCount !== 1) return false;
  await recordAuditEvent(tx, deps, {
    type: 'envelope.seal_failed',
    actor: 'system',
    envelopeId: input.envelopeId,
    data: { code: input.code },
  });
  return true;
}

/**
 * An operator asks for the seal again (after a fix): `seal_failed` or `sealing` → `sealing`.
 * ENVELOPE_STATE_CONFLICT for any other status.
 */
export async function reopenEnvelopeSeal(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { envelopeId: string },
): Promise<void> {
  await moveEnvelope(tx, {
    envelopeId: input.envelopeId,
    from: ['seal_failed', 'sealing'],
    to: 'sealing',
    now: deps.clock.now(),
    isFinal: false,
  });
  await recordAuditEvent(tx, deps, {
    type: 'envelope.reseal_requested',
    actor: 'operator',
    envelopeId: input.envelopeId,
  });
}
