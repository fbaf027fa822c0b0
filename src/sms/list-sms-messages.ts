import type { Queryable } from '../db/index.js';
import { maskPhoneNumber } from './phone.js';

export interface SmsMessageSummary {
  id: string;
  purpose: 'otp' | 'test';
  envelopeId: string | null;
  signerId: string | null;
  /** Masked: operators see enough to match a complaint, not a list of numbers. */
  maskedNumber: string;
  provider: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'abandoned';
  attempts: number;
  maxAttempts: number;
  failureReason: string | null;
  lastError: string | null;
  providerMessageId: string | null;
  deliveryStatus: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Recent SMS, newest first, optionally only those not (yet) sent: `paraphe sms list`. */
export async function listSmsMessages(
  db: Queryable,
  options: { isUnsentOnly?: boolean; signerId?: string; limit?: number } = {},
): Promise<SmsMessageSummary[]> {
  const { rows } = await db.query<{
    id: string;
    purpose: 'otp' | 'test';
    envelope_id: string | null;
    signer_id: string | null;
    to_number: string;
    provider: string;
    status: SmsMessageSummary['status'];
    attempts: number;
    max_attempts: number;
    failure_reason: string | null;
    last_error: string | null;
    provider_message_id: string | null;
    delivery_status: string | null;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT id, purpose, envelope_id, signer_id, to_number, provider, status, attempts, max_attempts, failure_reason,
            last_error, provider_message_id, delivery_status, created_at, sent_at
     FROM sms_messages
     WHERE ($1::boolean IS NOT TRUE OR status <> 'sent') AND ($2::uuid IS NULL OR signer_id = $2)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [options.isUnsentOnly ?? false, options.signerId ?? null, options.limit ?? 50],
  );
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    envelopeId: r.envelope_id,
    signerId: r.signer_id,
    maskedNumber: maskPhoneNumber(r.to_number),
    provider: r.provider,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    failureReason: r.failure_reason,
    lastError: r.last_error,
    providerMessageId: r.provider_message_id,
    deliveryStatus: r.delivery_status,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
  }));
}
