import { z } from 'zod';
import { recordAuditEvent } from '../audit/index.js';
import { AppError } from '../shared/errors.js';
import type { SmsDeps } from './deps.js';
import { verifyTwilioSignature } from './providers/twilio.js';

// Statuses after which a message's fate is known; a late "sent" must not overwrite "delivered".
const finalStatuses = ['delivered', 'undelivered', 'failed', 'read', 'canceled'];

export interface DeliveryReceipt {
  provider: string;
  providerMessageId: string;
  /** The provider's word: queued, sent, delivered, undelivered, failed… */
  status: string;
  errorCode?: string | null;
}

/**
 * Records what a provider says became of a message. Receipts arrive late, twice or out of order:
 * a final status is never replaced by an earlier one. Unknown message ids are ignored (`matched:
 * false`): a receipt for a message of another installation sharing the account is not an error.
 */
export async function recordDeliveryReceipt(
  deps: Pick<SmsDeps, 'db' | 'clock' | 'ids' | 'metrics'>,
  receipt: DeliveryReceipt,
): Promise<{ matched: boolean }> {
  const status = receipt.status.toLowerCase();
  const now = deps.clock.now();
  const matched = await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      id: string;
      purpose: string;
      envelope_id: string | null;
      signer_id: string | null;
    }>(
      `UPDATE sms_messages SET delivery_status = $3, delivery_error_code = $4, updated_at = $5,
         delivered_at = CASE WHEN $3 = 'delivered' THEN $5 ELSE delivered_at END
       WHERE provider = $1 AND provider_message_id = $2
         AND (delivery_status IS NULL OR NOT (delivery_status = ANY($6::text[])) OR $3 = ANY($6::text[]))
       RETURNING id, purpose, envelope_id, signer_id`,
      [receipt.provider, receipt.providerMessageId, status, receipt.errorCode ?? null, now, finalStatuses],
    );
    const row = rows[0];
    if (!row) return false;
    if (row.purpose === 'otp') {
      await recordAuditEvent(tx, deps, {
        type: 'sms.delivery',
        actor: 'system',
        envelopeId: row.envelope_id,
        signerId: row.signer_id,
        data: { messageId: row.id, provider: receipt.provider, status, errorCode: receipt.errorCode ?? null },
      });
    }
    return true;
  });
  deps.metrics?.deliveryReceipts.inc({ provider: receipt.provider, status });
  return { matched };
}

const TwilioStatusCallbackSchema = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});

/**
 * The body of `POST /webhooks/sms/twilio`: checks X-Twilio-Signature against the URL Twilio was
 * given, then records the receipt. The web route only parses the form and maps errors:
 * `SMS_WEBHOOK_SIGNATURE_INVALID` → 403, `HTTP_BAD_REQUEST` → 400.
 */
export async function handleTwilioStatusCallback(
  deps: Pick<SmsDeps, 'db' | 'clock' | 'ids' | 'metrics' | 'settings'>,
  request: { params: Record<string, string | readonly string[]>; signature: string | undefined },
): Promise<{ matched: boolean }> {
  const { authToken, statusCallbackUrl } = deps.settings.twilio;
  if (
    !authToken ||
    !statusCallbackUrl ||
    !verifyTwilioSignature({
      authToken,
      url: statusCallbackUrl,
      params: request.params,
      signature: request.signature,
    })
  ) {
    throw new AppError(
      'SMS_WEBHOOK_SIGNATURE_INVALID',
      'Twilio status callback with a bad or missing signature',
    );
  }
  const parsed = TwilioStatusCallbackSchema.safeParse(request.params);
  if (!parsed.success)
    throw new AppError('HTTP_BAD_REQUEST', 'Twilio status callback without MessageSid/MessageStatus');
  return recordDeliveryReceipt(deps, {
    provider: 'twilio',
    providerMessageId: parsed.data.MessageSid,
    status: parsed.data.MessageStatus,
    errorCode: parsed.data.ErrorCode ?? null,
  });
}
