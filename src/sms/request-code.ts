import { recordAuditEvent } from '../audit/index.js';
import { enqueueJob } from '../jobs/index.js';
import { isAppError } from '../shared/errors.js';
import type { Locale } from '../shared/i18n/index.js';
import { deliverSms } from './deliver-sms.js';
import type { SmsDeps } from './deps.js';
import { hashOtpCode, randomOtpCode, sealSmsBody } from './otp-crypto.js';
import { type MobileNumber, parseMobileNumber } from './phone.js';
import { type Refusal, refusal } from './refusal.js';
import { findExceededLimit, type SmsLimitName } from './sms-limits.js';
import { SMS_SEND_JOB } from './sms-send-job-kind.js';
import { otpSmsText } from './sms-text.js';

export interface RequestCodeInput {
  signerId: string;
  envelopeId: string;
  accountId: string;
  /** What the signer typed. */
  phone: string;
  locale: Locale;
  ip?: string | null;
  userAgent?: string | null;
}

interface CodeRequested {
  challengeId: string;
  messageId: string;
  phone: { e164: string; masked: string };
  expiresAt: Date;
  /** The signer may ask for another code from this time on. */
  resendAvailableAt: Date;
}

export type RequestCodeResult =
  /** The provider accepted the SMS. */
  | ({ status: 'sent' } & CodeRequested)
  /**
   * The provider could not be reached or asked us to slow down: the request is recorded and the
   * `sms.send` job retries it with backoff until the code expires. Show `sms.code.pending`.
   */
  | ({ status: 'pending' } & CodeRequested)
  | Refusal<'invalid_phone'>
  | (Refusal<'resend_too_soon'> & { retryAfterSeconds: number })
  | (Refusal<'limit_reached'> & { limit: SmsLimitName; retryAfterSeconds: number })
  /** The provider refused this number for good (not a mobile, unsubscribed, unroutable). */
  | Refusal<'number_rejected'>
  /** Our side cannot send (credentials, credit): retrying will not help until the operator acts. */
  | Refusal<'provider_failed'>;

/**
 * Sends a signer a new one-time code by SMS (the OtpChallenge), after checking the number is a
 * mobile and every limit (30 s between sends, per signer, envelope, account, global). A new code
 * replaces the previous one. The request is recorded and a durable `sms.send` job enqueued in one
 * transaction, then sent at once: if the provider is down the signer learns it is pending and the
 * job retries; nothing is lost silently. Every outcome is an audit event (never with the code).
 */
export async function requestCode(deps: SmsDeps, input: RequestCodeInput): Promise<RequestCodeResult> {
  const now = deps.clock.now();
  const auditBase = {
    actor: 'signer' as const,
    envelopeId: input.envelopeId,
    signerId: input.signerId,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
  };
  let phone: MobileNumber;
  try {
    phone = parseMobileNumber(input.phone);
  } catch (error) {
    if (!isAppError(error)) throw error;
    await recordAuditEvent(deps.db, deps, {
      ...auditBase,
      type: 'sms.code.refused',
      data: { reason: 'invalid_phone', code: error.code },
    });
    deps.metrics?.refused.inc({ reason: 'invalid_phone' });
    return refusal('invalid_phone', error.code);
  }

  const { settings } = deps;
  const outcome = await deps.db.transaction(async (tx) => {
    // Lock the signer's throttle row: concurrent requests for one signer take turns from here on.
    // One statement creates it if need be and locks it: the no-op DO UPDATE takes the row lock and
    // returns the latest committed value, as a SELECT ... FOR UPDATE would, one round trip fewer.
    const throttle = await tx.query<{ last_requested_at: Date }>(
      `INSERT INTO sms_signer_throttle (signer_id, last_requested_at) VALUES ($1, to_timestamp(0))
       ON CONFLICT (signer_id) DO UPDATE SET last_requested_at = sms_signer_throttle.last_requested_at
       RETURNING last_requested_at`,
      [input.signerId],
    );
    const lastMs = new Date(throttle.rows[0]?.last_requested_at ?? 0).getTime();
    const waitMs = lastMs + settings.limits.resendSeconds * 1000 - now.getTime();
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      await recordAuditEvent(tx, deps, {
        ...auditBase,
        type: 'sms.code.refused',
        data: { reason: 'resend_too_soon', retryAfterSeconds: seconds },
      });
      return {
        ...refusal('resend_too_soon', 'SMS_RESEND_TOO_SOON', { seconds }),
        retryAfterSeconds: seconds,
      };
    }
    const exceeded = await findExceededLimit(tx, deps, input);
    if (exceeded) {
      await recordAuditEvent(tx, deps, {
        ...auditBase,
        type: 'sms.code.refused',
        data: { reason: 'limit_reached', ...exceeded },
      });
      return {
        ...refusal('limit_reached', 'SMS_LIMIT_REACHED', {
          minutes: Math.ceil(exceeded.retryAfterSeconds / 60),
        }),
        ...exceeded,
      };
    }

    await tx.query('UPDATE sms_signer_throttle SET last_requested_at = $2 WHERE signer_id = $1', [
      input.signerId,
      now,
    ]);
    // One live code per signer: the previous one stops working, and its SMS, if still waiting for a
    // retry, is not sent any more. Both in one statement (one round trip fewer per code request).
    await tx.query(
      `WITH superseded AS (
         UPDATE otp_challenges SET status = 'superseded' WHERE signer_id = $1 AND status = 'active'
       )
       UPDATE sms_messages SET status = 'abandoned', sealed_body = NULL, failure_reason = 'superseded', updated_at = $2
       WHERE signer_id = $1 AND purpose = 'otp' AND status = 'queued'`,
      [input.signerId, now],
    );

    const challengeId = deps.ids.uuid();
    const messageId = deps.ids.uuid();
    const code = (deps.generateCode ?? randomOtpCode)();
    const expiresAt = new Date(now.getTime() + settings.limits.ttlSeconds * 1000);
    const body = otpSmsText({
      locale: input.locale,
      code,
      operatorName: settings.operatorName,
      validityMinutes: Math.round(settings.limits.ttlSeconds / 60),
    });
    await tx.query(
      `INSERT INTO otp_challenges (id, signer_id, envelope_id, account_id, phone_e164, code_hash, status, attempts,
         max_attempts, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', 0, $7, $8, $9)`,
      [
        challengeId,
        input.signerId,
        input.envelopeId,
        input.accountId,
        phone.e164,
        hashOtpCode(deps.secret, challengeId, code),
        settings.limits.maxAttempts,
        expiresAt,
        now,
      ],
    );
    await tx.query(
      `INSERT INTO sms_messages (id, purpose, challenge_id, signer_id, envelope_id, account_id, to_number, sender_id,
         provider, sealed_body, status, attempts, max_attempts, created_at, updated_at)
       VALUES ($1, 'otp', $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $11, $11)`,
      [
        messageId,
        challengeId,
        input.signerId,
        input.envelopeId,
        input.accountId,
        phone.e164,
        settings.senderId,
        deps.sender.name,
        sealSmsBody(deps.secret, body),
        settings.sendMaxAttempts,
        now,
      ],
    );
    await recordAuditEvent(tx, deps, {
      ...auditBase,
      type: 'sms.code.requested',
      data: {
        challengeId,
        messageId,
        phone: phone.masked,
        provider: deps.sender.name,
        expiresAt: expiresAt.toISOString(),
      },
    });
    // The safety net: if the inline try below fails or this process dies, the worker sends it.
    await enqueueJob(tx, deps, {
      kind: SMS_SEND_JOB,
      payload: { messageId },
      runAt: new Date(now.getTime() + settings.retryDelaySeconds * 1000),
      maxAttempts: settings.sendMaxAttempts,
      dedupeKey: `${SMS_SEND_JOB}:${messageId}`,
    });
    return {
      status: 'requested' as const,
      challengeId,
      messageId,
      phone: { e164: phone.e164, masked: phone.masked },
      expiresAt,
      resendAvailableAt: new Date(now.getTime() + settings.limits.resendSeconds * 1000),
    };
  });

  if (outcome.status === 'refused') {
    deps.metrics?.refused.inc({ reason: outcome.reason });
    return outcome;
  }
  const { status: _requested, ...requested } = outcome;
  const delivery = await deliverSms(deps, requested.messageId);
  switch (delivery.outcome) {
    case 'sent':
      return { status: 'sent', ...requested };
    case 'failed':
      if (delivery.reason === 'invalid_number') {
        // The signer must type another number: do not make them wait for the resend delay.
        await deps.db.query(
          `UPDATE sms_signer_throttle SET last_requested_at = to_timestamp(0)
           WHERE signer_id = $1 AND last_requested_at = $2`,
          [input.signerId, now],
        );
        return refusal('number_rejected', 'SMS_NUMBER_REJECTED');
      }
      return refusal('provider_failed', 'SMS_PROVIDER_FAILED');
    default:
      return { status: 'pending', ...requested };
  }
}
