import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { maskPhoneNumber } from './phone.js';

export interface CodeStatus {
  challengeId: string;
  /** `expired` is derived from the clock; the stored status never says it. */
  challengeStatus: 'active' | 'confirmed' | 'locked' | 'expired';
  maskedPhone: string;
  expiresAt: Date;
  attemptsLeft: number;
  sms: {
    messageId: string;
    status: 'queued' | 'sending' | 'sent' | 'failed' | 'abandoned';
    attempts: number;
    failureReason: string | null;
    /** From the provider's delivery receipt, when it sends them. */
    deliveryStatus: string | null;
  } | null;
}

/**
 * Where the signer's latest code stands, SMS delivery included: what the signing page polls while
 * a send is pending, and what an operator reads when a signer says "no SMS arrived".
 */
export async function getCodeStatus(
  deps: { db: Queryable; clock: Clock },
  options: { signerId: string },
): Promise<CodeStatus | null> {
  const { rows } = await deps.db.query<{
    id: string;
    status: 'active' | 'confirmed' | 'locked';
    phone_e164: string;
    expires_at: Date;
    attempts: number;
    max_attempts: number;
    message_id: string | null;
    message_status: CodeStatus['sms'] extends infer S ? (S extends { status: infer T } ? T : never) : never;
    message_attempts: number | null;
    failure_reason: string | null;
    delivery_status: string | null;
  }>(
    `SELECT c.id, c.status, c.phone_e164, c.expires_at, c.attempts, c.max_attempts,
            m.id AS message_id, m.status AS message_status, m.attempts AS message_attempts,
            m.failure_reason, m.delivery_status
     FROM otp_challenges c LEFT JOIN sms_messages m ON m.challenge_id = c.id
     WHERE c.signer_id = $1 AND c.status <> 'superseded'
     ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
    [options.signerId],
  );
  const row = rows[0];
  if (!row) return null;
  const expiresAt = new Date(row.expires_at);
  const isExpired = row.status === 'active' && expiresAt <= deps.clock.now();
  return {
    challengeId: row.id,
    challengeStatus: isExpired ? 'expired' : row.status,
    maskedPhone: maskPhoneNumber(row.phone_e164),
    expiresAt,
    attemptsLeft: Math.max(0, row.max_attempts - row.attempts),
    sms:
      row.message_id === null
        ? null
        : {
            messageId: row.message_id,
            status: row.message_status,
            attempts: row.message_attempts ?? 0,
            failureReason: row.failure_reason,
            deliveryStatus: row.delivery_status,
          },
  };
}
