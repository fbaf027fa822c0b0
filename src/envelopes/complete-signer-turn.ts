import { recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { type SignerRow, toSigner } from './rows.js';
import { moveEnvelope } from './transition.js';
import type { Signer } from './types.js';

export type SignerTurnOutcome = { outcome: 'next'; nextSigner: Signer } | { outcome: 'all-signed' };

/**
 * Records that the signer holding the turn signed, and passes the turn on: to the next signer, or,
 * after the last one, the envelope goes to `sealing`. Call it in the transaction that stores the
 * Signature. A second submit finds the signer no longer `current` and gets SIGNER_NOT_CURRENT, so
 * a double submit signs once.
 */
export async function completeSignerTurn(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { signerId: string; ip?: string | null; userAgent?: string | null },
): Promise<SignerTurnOutcome> {
  const now = deps.clock.now();
  const signed = await tx.query<SignerRow>(
    `UPDATE signers s SET status = 'signed', signed_at = $2, updated_at = $2
     FROM envelopes e
     WHERE s.id = $1 AND s.status = 'current' AND e.id = s.envelope_id AND e.status = 'pending'
     RETURNING s.*`,
    [input.signerId, now],
  );
  const row = signed.rows[0];
  if (!row) throw new AppError('SIGNER_NOT_CURRENT', `signer ${input.signerId} does not hold the turn`);
  await recordAuditEvent(tx, deps, {
    type: 'signer.signed',
    actor: 'signer',
    envelopeId: row.envelope_id,
    signerId: row.id,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
  });
  const next = await tx.query<SignerRow>(
    `UPDATE signers SET status = 'current', turn_started_at = $2, updated_at = $2
     WHERE id = (SELECT id FROM signers WHERE envelope_id = $1 AND status = 'waiting' ORDER BY position LIMIT 1)
       AND status = 'waiting'
     RETURNING *`,
    [row.envelope_id, now],
  );
  const nextRow = next.rows[0];
  if (nextRow) {
    await recordAuditEvent(tx, deps, {
      type: 'signer.turn_started',
      actor: 'system',
      envelopeId: row.envelope_id,
      signerId: nextRow.id,
    });
    return { outcome: 'next', nextSigner: toSigner(nextRow) };
  }
  await moveEnvelope(tx, {
    envelopeId: row.envelope_id,
    from: ['pending'],
    to: 'sealing',
    now,
    isFinal: false,
  });
  await recordAuditEvent(tx, deps, {
    type: 'envelope.all_signed',
    actor: 'system',
    envelopeId: row.envelope_id,
  });
  return { outcome: 'all-signed' };
}
