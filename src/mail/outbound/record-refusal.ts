import type { AppError } from '../../shared/errors.js';
import { buildRefusalNotice } from './build-refusal-notice.js';
import { enqueueOutgoingMail } from './enqueue-outgoing-mail.js';
import type { ClaimedOutboxRow, OutboxDeliveryDeps } from './outbox.js';

/**
 * Ends a delivery the next hop refused for good (5xx): retrying cannot change its answer, and
 * the recipients it accepted already have the message. In one transaction the row becomes
 * 'refused' and, for a copy sent on someone's behalf, the notice to that person is queued; the
 * notice goes from the null sender (<>), as delivery reports do, so a refused notice never
 * produces another one. Logged once here and counted through `onRefused`.
 */
export async function recordRefusal(
  deps: OutboxDeliveryDeps,
  input: { row: ClaimedOutboxRow; raw: Uint8Array; error: AppError },
): Promise<void> {
  const { row, error } = input;
  const recipients = String(error.details.recipients ?? row.recipients.join(', '));
  const reply = String(error.details.reply ?? error.message);
  const notice = row.refusal_notice;
  const noticeBytes = notice
    ? await buildRefusalNotice({
        locale: notice.locale,
        from: deps.notices.from,
        to: notice.to,
        recipients,
        reply,
        original: input.raw,
        maxBytes: deps.notices.maxBytes,
        messageId: `<${deps.ids.uuid()}@paraphe>`,
        date: deps.clock.now(),
      })
    : null;
  const noticeId = await deps.db.transaction(async (tx) => {
    const ended = await tx.query(
      `UPDATE mail_outbox SET status = 'refused', claim_expires_at = NULL, refused_at = $2, last_error = $3
       WHERE id = $1 AND status = 'sending' RETURNING id`,
      [row.id, deps.clock.now(), error.message.slice(0, 2000)],
    );
    // Another attempt took the row over meanwhile and recorded the outcome itself.
    if (ended.rowCount === 0 || !notice || !noticeBytes) return null;
    return enqueueOutgoingMail(tx, deps, {
      from: '',
      to: [notice.to],
      raw: noticeBytes,
      purpose: 'sender.undelivered',
      ...(row.envelope_id ? { envelopeId: row.envelope_id } : {}),
    });
  });
  deps.logger.warn(
    { outboxId: row.id, purpose: row.purpose, recipients, reply, noticeOutboxId: noticeId },
    noticeId ? 'outgoing mail refused for good; the sender is told' : 'outgoing mail refused for good',
  );
  deps.onRefused?.({ purpose: row.purpose, isNoticeQueued: noticeId !== null });
}
