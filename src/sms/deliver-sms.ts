import { type AuditEventType, recordAuditEvent } from '../audit/index.js';
import { AppError } from '../shared/errors.js';
import type { SmsDeps } from './deps.js';
import { openSmsBody } from './otp-crypto.js';
import { isTransientSmsError, type SmsFailureReason, smsFailureReason } from './providers/provider-errors.js';

export type DeliverSmsOutcome =
  | { outcome: 'sent'; providerMessageId: string }
  /** Transient failure: the message is queued again; the `sms.send` job will retry it. */
  | { outcome: 'retry'; error: unknown; reason: SmsFailureReason }
  /** Permanent refusal, or transient failures past the message's attempts: nothing more is tried. */
  | { outcome: 'failed'; error: unknown; reason: SmsFailureReason }
  /** Its code expired or was replaced before it could be sent. */
  | { outcome: 'abandoned' }
  /** Already sent, given up, or held by another sender right now. */
  | { outcome: 'skipped' };

interface ClaimedRow {
  id: string;
  purpose: 'otp' | 'test';
  to_number: string;
  sender_id: string;
  sealed_body: string | null;
  attempts: number;
  max_attempts: number;
  envelope_id: string | null;
  signer_id: string | null;
  challenge_id: string | null;
  challenge_status: string | null;
  challenge_expires_at: Date | null;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * Tries once to hand one recorded SMS to the provider. Safe to call from several places at once
 * (the inline try after a code request, the `sms.send` job, another machine): a conditional claim
 * lets exactly one caller send, and a lease lets a later caller take over from one that crashed.
 */
export async function deliverSms(deps: SmsDeps, messageId: string): Promise<DeliverSmsOutcome> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.settings.sendLeaseSeconds * 1000);
  const { rows } = await deps.db.query<ClaimedRow>(
    `WITH claimed AS (
       UPDATE sms_messages SET status = 'sending', attempts = attempts + 1, lease_until = $3, updated_at = $2
       WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND lease_until < $2))
       RETURNING *)
     SELECT claimed.id, claimed.purpose, claimed.to_number, claimed.sender_id, claimed.sealed_body,
            claimed.attempts, claimed.max_attempts, claimed.envelope_id, claimed.signer_id, claimed.challenge_id,
            c.status AS challenge_status, c.expires_at AS challenge_expires_at
     FROM claimed LEFT JOIN otp_challenges c ON c.id = claimed.challenge_id`,
    [messageId, now, leaseUntil],
  );
  const row = rows[0];
  if (!row) return { outcome: 'skipped' };
  const audit = async (type: AuditEventType, data: Record<string, unknown>) => {
    if (row.purpose !== 'otp') return;
    await recordAuditEvent(deps.db, deps, {
      type,
      actor: 'system',
      envelopeId: row.envelope_id,
      signerId: row.signer_id,
      data: { messageId: row.id, challengeId: row.challenge_id, provider: deps.sender.name, ...data },
    });
  };

  const isCodeStale =
    row.purpose === 'otp' &&
    (row.challenge_status !== 'active' ||
      (row.challenge_expires_at !== null && new Date(row.challenge_expires_at) <= now));
  if (isCodeStale || row.sealed_body === null) {
    // Sending a code that can no longer be used would only cost money and confuse the signer.
    await deps.db.query(
      `UPDATE sms_messages SET status = 'abandoned', sealed_body = NULL, lease_until = NULL, updated_at = $2,
         failure_reason = 'code_no_longer_valid'
       WHERE id = $1 AND status = 'sending'`,
      [row.id, now],
    );
    await audit('sms.code.abandoned', { reason: 'code_no_longer_valid', attempt: row.attempts });
    return { outcome: 'abandoned' };
  }

  let body: string;
  try {
    body = openSmsBody(deps.secret, row.sealed_body);
  } catch {
    // PARAPHE_OTP_SECRET changed since the request: the text cannot be read, and the code it
    // holds would not check any more either.
    await deps.db.query(
      `UPDATE sms_messages SET status = 'abandoned', sealed_body = NULL, lease_until = NULL, updated_at = $2,
         failure_reason = 'secret_changed'
       WHERE id = $1 AND status = 'sending'`,
      [row.id, now],
    );
    await audit('sms.code.abandoned', { reason: 'secret_changed', attempt: row.attempts });
    return { outcome: 'abandoned' };
  }

  try {
    const { providerMessageId } = await deps.sender.send({
      toNumber: row.to_number,
      senderId: row.sender_id,
      body,
      reference: row.id,
      ...(row.purpose === 'otp' && row.challenge_expires_at
        ? { validUntil: new Date(row.challenge_expires_at) }
        : {}),
    });
    const sentAt = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE sms_messages SET status = 'sent', provider_message_id = $2, sent_at = $3, sealed_body = NULL,
           lease_until = NULL, updated_at = $3, failure_reason = NULL
         WHERE id = $1 AND status = 'sending'`,
        [row.id, providerMessageId, sentAt],
      );
      if (row.purpose === 'otp') {
        await recordAuditEvent(tx, deps, {
          type: 'sms.code.sent',
          actor: 'system',
          envelopeId: row.envelope_id,
          signerId: row.signer_id,
          data: {
            messageId: row.id,
            challengeId: row.challenge_id,
            provider: deps.sender.name,
            providerMessageId,
            attempt: row.attempts,
          },
        });
      }
    });
    deps.metrics?.sent.inc({ provider: deps.sender.name, purpose: row.purpose });
    return { outcome: 'sent', providerMessageId };
  } catch (error) {
    const reason = smsFailureReason(error);
    // Unknown errors (a bug, a dropped connection) are retried: giving up is the worse failure.
    const isTransient = !(error instanceof AppError) || isTransientSmsError(error);
    const isFinal = !isTransient || row.attempts >= row.max_attempts;
    const failedAt = deps.clock.now();
    await deps.db.query(
      `UPDATE sms_messages SET status = $2, failure_reason = $3, last_error = $4, lease_until = NULL, updated_at = $5,
         sealed_body = CASE WHEN $2 = 'queued' THEN sealed_body ELSE NULL END
       WHERE id = $1 AND status = 'sending'`,
      [
        row.id,
        isFinal ? (isTransient ? 'abandoned' : 'failed') : 'queued',
        reason,
        describe(error),
        failedAt,
      ],
    );
    await audit('sms.code.send_failed', {
      reason,
      isTransient,
      willRetry: !isFinal,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    });
    deps.metrics?.failures.inc({ provider: deps.sender.name, reason, transient: String(isTransient) });
    return isFinal ? { outcome: 'failed', error, reason } : { outcome: 'retry', error, reason };
  }
}
