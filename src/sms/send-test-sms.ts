import type { Locale } from '../shared/i18n/index.js';
import { deliverSms } from './deliver-sms.js';
import type { SmsDeps } from './deps.js';
import { sealSmsBody } from './otp-crypto.js';
import { parseMobileNumber } from './phone.js';
import { testSmsText } from './sms-text.js';

export type SendTestSmsResult =
  | { status: 'sent'; messageId: string; toNumber: string; providerMessageId: string }
  | { status: 'failed'; messageId: string; toNumber: string; reason: string; error: unknown };

/**
 * `paraphe sms test NUMBER`: one message through the configured provider, tried once so the
 * operator sees the provider's own answer. Recorded in sms_messages like every SMS (cost).
 */
export async function sendTestSms(
  deps: SmsDeps,
  options: { phone: string; locale: Locale },
): Promise<SendTestSmsResult> {
  const phone = parseMobileNumber(options.phone);
  const now = deps.clock.now();
  const messageId = deps.ids.uuid();
  const body = testSmsText({ locale: options.locale, operatorName: deps.settings.operatorName });
  await deps.db.query(
    `INSERT INTO sms_messages (id, purpose, to_number, sender_id, provider, sealed_body, status, attempts,
       max_attempts, created_at, updated_at)
     VALUES ($1, 'test', $2, $3, $4, $5, 'queued', 0, 1, $6, $6)`,
    [messageId, phone.e164, deps.settings.senderId, deps.sender.name, sealSmsBody(deps.secret, body), now],
  );
  const outcome = await deliverSms(deps, messageId);
  if (outcome.outcome === 'sent') {
    return { status: 'sent', messageId, toNumber: phone.e164, providerMessageId: outcome.providerMessageId };
  }
  if (outcome.outcome === 'failed' || outcome.outcome === 'retry') {
    return {
      status: 'failed',
      messageId,
      toNumber: phone.e164,
      reason: outcome.reason,
      error: outcome.error,
    };
  }
  return { status: 'failed', messageId, toNumber: phone.e164, reason: outcome.outcome, error: null };
}
