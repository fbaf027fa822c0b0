import type { Queryable } from '../db/index.js';

export interface PhoneConfirmation {
  challengeId: string;
  envelopeId: string;
  phoneE164: string;
  confirmedAt: Date;
}

/**
 * The signer's latest confirmed code (confirmed at or after `notBefore` when given): the signing
 * flow asks this when the signature is submitted, and judges itself whether it is recent enough.
 */
export async function findPhoneConfirmation(
  db: Queryable,
  options: { signerId: string; notBefore?: Date },
): Promise<PhoneConfirmation | null> {
  const { rows } = await db.query<{
    id: string;
    envelope_id: string;
    phone_e164: string;
    confirmed_at: Date;
  }>(
    `SELECT id, envelope_id, phone_e164, confirmed_at FROM otp_challenges
     WHERE signer_id = $1 AND status = 'confirmed' AND confirmed_at >= $2
     ORDER BY confirmed_at DESC LIMIT 1`,
    [options.signerId, options.notBefore ?? new Date(0)],
  );
  const row = rows[0];
  return row
    ? {
        challengeId: row.id,
        envelopeId: row.envelope_id,
        phoneE164: row.phone_e164,
        confirmedAt: new Date(row.confirmed_at),
      }
    : null;
}
