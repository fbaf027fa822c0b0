import type { BlobStore } from '../../blobs/index.js';
import type { Db, Queryable } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, isAppError } from '../../shared/errors.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { RefusalNotice } from './enqueue-outgoing-mail.js';
import { recordRefusal } from './record-refusal.js';
import type { DsnParams, MailTransport } from './types.js';

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'refused';

/** An outbox row as a delivery attempt claimed it. */
export interface ClaimedOutboxRow {
  id: string;
  purpose: string;
  envelope_id: string | null;
  envelope_from: string;
  recipients: string[];
  raw_sha256: string;
  dsn: DsnParams | null;
  refusal_notice: RefusalNotice | null;
}

/** What delivering an outbox row needs; built once (app context) and shared by every caller. */
export interface OutboxDeliveryDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  transport: MailTransport;
  logger: Logger;
  /** The From of the notices Paraphe writes itself, and the size the next hop accepts. */
  notices: { from: string; maxBytes: number };
  /** How long a send may take before another worker may take the row over. */
  claimSeconds?: number;
  /** Called once for each delivery the next hop refused for good (metrics). */
  onRefused?: (event: { purpose: string; isNoticeQueued: boolean }) => void;
}

export type DeliveryOutcome = 'sent' | 'already-sent' | 'refused' | 'already-refused';

/**
 * Sends one outbox row through the transport, at most once at a time: the row is claimed with a
 * conditional UPDATE (queued, or a claim that expired because its holder died), so the delivery job
 * and the immediate attempt after commit never send together. A crash between the send and the
 * final UPDATE leaves a claim that expires and the message goes again: at-least-once, as SMTP is.
 * A permanent refusal (MAIL_RELAY_REJECTED, a 5xx) ends the delivery as 'refused' (see
 * recordRefusal); any other failure puts the row back in the queue and throws, for a retry.
 * Throws MAIL_OUTBOX_BUSY when someone else holds the claim.
 */
export async function deliverOutgoingMail(
  deps: OutboxDeliveryDeps,
  outboxId: string,
): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const claimUntil = new Date(now.getTime() + (deps.claimSeconds ?? 300) * 1000);
  // Only one claimant wins the row; the loser sees no row back.
  const { rows } = await deps.db.query<ClaimedOutboxRow>(
    `UPDATE mail_outbox SET status = 'sending', claim_expires_at = $2, attempts = attempts + 1
     WHERE id = $1 AND (status = 'queued' OR (status = 'sending' AND claim_expires_at < $3))
     RETURNING id, purpose, envelope_id, envelope_from, recipients, raw_sha256, dsn, refusal_notice`,
    [outboxId, claimUntil, now],
  );
  const row = rows[0];
  if (!row) {
    const current = await deps.db.query<{ status: OutboxStatus }>(
      'SELECT status FROM mail_outbox WHERE id = $1',
      [outboxId],
    );
    const status = current.rows[0]?.status;
    if (status === undefined) throw new AppError('MAIL_OUTBOX_NOT_FOUND', `no outbox row ${outboxId}`);
    if (status === 'sent') return 'already-sent';
    if (status === 'refused') return 'already-refused';
    throw new AppError('MAIL_OUTBOX_BUSY', `outbox row ${outboxId} is being sent by another worker`);
  }
  let raw: Uint8Array | undefined;
  try {
    raw = await deps.blobs.get(row.raw_sha256);
    await deps.transport.send({
      from: row.envelope_from,
      to: row.recipients,
      raw,
      ...(row.dsn ? { dsn: row.dsn } : {}),
    });
  } catch (error) {
    if (raw && isAppError(error, 'MAIL_RELAY_REJECTED')) {
      await recordRefusal(deps, { row, raw, error });
      return 'refused';
    }
    await deps.db.query(
      `UPDATE mail_outbox SET status = 'queued', claim_expires_at = NULL, last_error = $2
       WHERE id = $1 AND status = 'sending'`,
      [outboxId, error instanceof Error ? error.message.slice(0, 2000) : String(error)],
    );
    throw error;
  }
  await deps.db.query(
    `UPDATE mail_outbox SET status = 'sent', claim_expires_at = NULL, sent_at = $2, last_error = NULL
     WHERE id = $1`,
    [outboxId, deps.clock.now()],
  );
  deps.logger.info(
    { outboxId, purpose: row.purpose, transport: deps.transport.name },
    'outgoing mail delivered',
  );
  return 'sent';
}

/**
 * A delivery attempt right after the producer's transaction committed, for speed; the
 * 'mail.deliver' job remains the guarantee, so nothing here throws. A row another attempt holds
 * is that attempt's business (debug); a failure is logged once, without a stack when it is one
 * the catalogue expects (a relay answering 4xx), and the job retries it.
 */
export async function deliverNow(deps: OutboxDeliveryDeps, outboxId: string): Promise<void> {
  try {
    await deliverOutgoingMail(deps, outboxId);
  } catch (error) {
    if (isAppError(error, 'MAIL_OUTBOX_BUSY'))
      deps.logger.debug({ outboxId }, 'outgoing mail already being sent');
    else if (isAppError(error) && error.kind !== 'internal')
      deps.logger.warn(
        { outboxId, code: error.code, reason: error.message },
        'immediate delivery failed; the mail.deliver job retries',
      );
    else
      deps.logger.warn({ outboxId, err: error }, 'immediate delivery failed; the mail.deliver job retries');
  }
}

export interface OutboxEntry {
  id: string;
  purpose: string;
  envelopeId: string | null;
  from: string;
  to: string[];
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  sizeBytes: number;
  createdAt: Date;
  sentAt: Date | null;
}

/** Outbox rows of one envelope (or all, newest first), for tests, the portal and operators. */
export async function listOutgoingMail(
  db: Queryable,
  filter: { envelopeId?: string; limit?: number } = {},
): Promise<OutboxEntry[]> {
  const { rows } = await db.query<{
    id: string;
    purpose: string;
    envelope_id: string | null;
    envelope_from: string;
    recipients: string[];
    status: OutboxStatus;
    attempts: number;
    last_error: string | null;
    size_bytes: number;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT id, purpose, envelope_id, envelope_from, recipients, status, attempts, last_error, size_bytes,
            created_at, sent_at
     FROM mail_outbox WHERE ($1::uuid IS NULL OR envelope_id = $1)
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    [filter.envelopeId ?? null, filter.limit ?? 500],
  );
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    envelopeId: r.envelope_id,
    from: r.envelope_from,
    to: r.recipients,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    sizeBytes: r.size_bytes,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}
