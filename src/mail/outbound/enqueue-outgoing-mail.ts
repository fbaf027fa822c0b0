import type { BlobStore } from '../../blobs/index.js';
import type { Queryable } from '../../db/index.js';
import { enqueueJob } from '../../jobs/index.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Locale } from '../../shared/i18n/index.js';
import type { Ids } from '../../shared/ids.js';
import type { DsnParams } from './types.js';

/** What a producer hands to the outbox: the exact bytes, the SMTP envelope and why it is sent. */
export interface OutboxMail {
  from: string;
  to: string[];
  raw: Uint8Array;
  dsn?: DsnParams;
  /** Short label for operators and metrics: 'signer.copy', 'sender.reply', 'passthrough.retry'… */
  purpose: string;
  envelopeId?: string;
  /**
   * Who is told, and in which language, when the next hop refuses the message for good: the
   * sender of a copy sent on their behalf. Absent for Paraphe's own mail (logged and counted).
   */
  refusalNotice?: RefusalNotice;
}

export interface RefusalNotice {
  to: string;
  locale: Locale;
}

/**
 * Takes responsibility for one outgoing message inside the caller's transaction: the bytes go to
 * the blob store (content-addressed, so a rolled-back transaction only leaves an unreferenced
 * blob), the row and its delivery job commit or vanish together with the caller's state change.
 * Returns the outbox id. A 'mail.deliver' job delivers it; the caller may also call
 * `deliverOutgoingMail(id)` once its transaction committed, for speed (the claim keeps it single).
 */
export async function enqueueOutgoingMail(
  tx: Queryable,
  deps: { blobs: BlobStore; clock: Clock; ids: Ids },
  mail: OutboxMail,
): Promise<string> {
  if (mail.to.length === 0) throw new AppError('MAIL_RELAY_REJECTED', 'outgoing mail without recipients');
  const blob = await deps.blobs.put(mail.raw);
  const id = deps.ids.uuid();
  await tx.query(
    `INSERT INTO mail_outbox (id, purpose, envelope_id, envelope_from, recipients, raw_sha256, size_bytes,
       dsn, refusal_notice, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10)`,
    [
      id,
      mail.purpose,
      mail.envelopeId ?? null,
      mail.from,
      JSON.stringify(mail.to),
      blob.sha256,
      blob.sizeBytes,
      mail.dsn ? JSON.stringify(mail.dsn) : null,
      mail.refusalNotice ? JSON.stringify(mail.refusalNotice) : null,
      deps.clock.now(),
    ],
  );
  // One job per row (dedupe key): a 4xx is retried with the worker's backoff for days, as an MTA
  // would; a 5xx ends the delivery at once (recordRefusal).
  await enqueueJob(tx, deps, {
    kind: MAIL_DELIVER_JOB,
    payload: { outboxId: id },
    dedupeKey: `${MAIL_DELIVER_JOB}:${id}`,
    maxAttempts: MAIL_DELIVER_MAX_ATTEMPTS,
  });
  return id;
}

export const MAIL_DELIVER_JOB = 'mail.deliver';
/** With the worker's backoff (capped at one hour) this keeps trying for about four days. */
export const MAIL_DELIVER_MAX_ATTEMPTS = 100;
