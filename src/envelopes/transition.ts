import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import type { EnvelopeStatus } from './types.js';

/**
 * Moves an envelope from one of `from` to `to`, or throws ENVELOPE_STATE_CONFLICT: the WHERE on
 * the status makes two racing requests (sign vs cancel, expire vs sign) resolve to exactly one.
 */
export async function moveEnvelope(
  tx: Queryable,
  input: { envelopeId: string; from: EnvelopeStatus[]; to: EnvelopeStatus; now: Date; isFinal: boolean },
): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE envelopes SET status = $2, updated_at = $3, finished_at = CASE WHEN $4 THEN $3 ELSE finished_at END
     WHERE id = $1 AND status = ANY($5::text[]) RETURNING id`,
    [input.envelopeId, input.to, input.now, input.isFinal, input.from],
  );
  if (rowCount === 1) return;
  const { rows } = await tx.query<{ status: string }>('SELECT status FROM envelopes WHERE id = $1', [
    input.envelopeId,
  ]);
  if (!rows[0]) throw new AppError('ENVELOPE_NOT_FOUND', `no envelope ${input.envelopeId}`);
  throw new AppError(
    'ENVELOPE_STATE_CONFLICT',
    `envelope ${input.envelopeId} is ${rows[0].status}, not ${input.from.join('/')}`,
    {
      details: { status: rows[0].status },
    },
  );
}
