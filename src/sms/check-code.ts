import { type AuditEventType, recordAuditEvent } from '../audit/index.js';
import type { SmsDeps } from './deps.js';
import { otpCodeMatches } from './otp-crypto.js';
import { maskPhoneNumber } from './phone.js';
import { type Refusal, refusal } from './refusal.js';

export interface CheckCodeInput {
  signerId: string;
  /** What the signer typed; spaces are ignored. */
  code: string;
  ip?: string | null;
  userAgent?: string | null;
}

export type CheckCodeResult =
  | {
      status: 'confirmed';
      challengeId: string;
      envelopeId: string;
      /** The confirmed number, E.164: evidence for the Signature. */
      phoneE164: string;
      maskedPhone: string;
      confirmedAt: Date;
    }
  | (Refusal<'wrong_code'> & { attemptsLeft: number })
  | Refusal<'expired'>
  | Refusal<'too_many_attempts'>
  | Refusal<'no_code'>;

interface ChallengeRow {
  id: string;
  envelope_id: string;
  phone_e164: string;
  code_hash: string;
  status: 'active' | 'confirmed' | 'superseded' | 'locked';
  attempts: number;
  max_attempts: number;
  expires_at: Date;
}

/**
 * Checks the code a signer typed against their latest OtpChallenge. Each check of a well-formed
 * code uses one attempt, counted by a conditional update so parallel guesses cannot exceed the
 * limit; the comparison is constant-time on keyed hashes. A confirmed code cannot be used again.
 */
export async function checkCode(deps: SmsDeps, input: CheckCodeInput): Promise<CheckCodeResult> {
  const code = input.code.replace(/\s+/g, '');
  const result = await deps.db.transaction(async (tx): Promise<CheckCodeResult> => {
    const now = deps.clock.now();
    const { rows } = await tx.query<ChallengeRow>(
      `SELECT id, envelope_id, phone_e164, code_hash, status, attempts, max_attempts, expires_at
       FROM otp_challenges WHERE signer_id = $1 AND status <> 'superseded'
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [input.signerId],
    );
    const challenge = rows[0];
    if (!challenge || challenge.status === 'confirmed') return refusal('no_code', 'OTP_NO_CODE');
    const audit = (type: AuditEventType, data: Record<string, unknown>) =>
      recordAuditEvent(tx, deps, {
        type,
        actor: 'signer',
        envelopeId: challenge.envelope_id,
        signerId: input.signerId,
        ip: input.ip ?? null,
        userAgent: input.userAgent ?? null,
        data: { challengeId: challenge.id, ...data },
      });
    if (challenge.status === 'locked') {
      await audit('sms.code.check_refused', { reason: 'too_many_attempts' });
      return refusal('too_many_attempts', 'OTP_TOO_MANY_ATTEMPTS');
    }
    if (new Date(challenge.expires_at) <= now) {
      await audit('sms.code.expired', {});
      return refusal('expired', 'OTP_EXPIRED');
    }
    if (!/^\d{6}$/.test(code)) {
      // Not a code at all (a typo, a paste): no attempt used, nothing to compare.
      const attemptsLeft = challenge.max_attempts - challenge.attempts;
      return { ...refusal('wrong_code', 'OTP_WRONG_CODE', { attemptsLeft }), attemptsLeft };
    }
    const counted = await tx.query<{ attempts: number; max_attempts: number }>(
      `UPDATE otp_challenges SET attempts = attempts + 1
       WHERE id = $1 AND status = 'active' AND attempts < max_attempts
       RETURNING attempts, max_attempts`,
      [challenge.id],
    );
    const attempt = counted.rows[0];
    if (!attempt) {
      await audit('sms.code.check_refused', { reason: 'too_many_attempts' });
      return refusal('too_many_attempts', 'OTP_TOO_MANY_ATTEMPTS');
    }
    const isMatch = otpCodeMatches({
      secret: deps.secret,
      challengeId: challenge.id,
      code,
      storedHash: challenge.code_hash,
    });
    if (isMatch) {
      const confirmed = await tx.query<{ confirmed_at: Date }>(
        `UPDATE otp_challenges SET status = 'confirmed', confirmed_at = $2
         WHERE id = $1 AND status = 'active' RETURNING confirmed_at`,
        [challenge.id, now],
      );
      if (!confirmed.rows[0]) return refusal('no_code', 'OTP_NO_CODE');
      await audit('sms.code.confirmed', { phone: challenge.phone_e164, attempt: attempt.attempts });
      return {
        status: 'confirmed',
        challengeId: challenge.id,
        envelopeId: challenge.envelope_id,
        phoneE164: challenge.phone_e164,
        maskedPhone: maskPhoneNumber(challenge.phone_e164),
        confirmedAt: new Date(confirmed.rows[0].confirmed_at),
      };
    }
    const attemptsLeft = attempt.max_attempts - attempt.attempts;
    if (attemptsLeft <= 0) {
      await tx.query(`UPDATE otp_challenges SET status = 'locked' WHERE id = $1 AND status = 'active'`, [
        challenge.id,
      ]);
      await audit('sms.code.locked', { attempt: attempt.attempts });
      return refusal('too_many_attempts', 'OTP_TOO_MANY_ATTEMPTS');
    }
    await audit('sms.code.wrong', { attempt: attempt.attempts, attemptsLeft });
    return { ...refusal('wrong_code', 'OTP_WRONG_CODE', { attemptsLeft }), attemptsLeft };
  });
  deps.metrics?.checks.inc({ result: result.status === 'confirmed' ? 'confirmed' : result.reason });
  return result;
}
