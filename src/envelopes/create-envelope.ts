import { recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import type { MailAddress } from './types.js';

export interface NewEnvelope {
  accountId: string;
  mailboxId: string;
  senderAddress: string;
  subject: string;
  locale: 'fr' | 'en';
  messageId: string | null;
  queueId: string | null;
  dedupeKey: string;
  raw: { sha256: string; sizeBytes: number };
  expiresAt: Date;
  documents: {
    fileName: string;
    sha256: string;
    sizeBytes: number;
    pageCount: number;
    hasSignatures: boolean;
  }[];
  signers: MailAddress[];
}

export type CreateEnvelopeResult =
  | { isNew: true; envelopeId: string; signers: { id: string; address: string; position: number }[] }
  | { isNew: false; envelopeId: string };

/**
 * Stores an envelope, its documents and its signers (the first one holds the turn) with an audit
 * event, in the caller's transaction. When the same message (same mailbox and dedupe key) already
 * made an envelope, creates nothing and returns that one: a retried or split delivery is the same
 * request. Documents' bytes must already be in the blob store.
 */
export async function createEnvelope(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: NewEnvelope,
): Promise<CreateEnvelopeResult> {
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  // ON CONFLICT: a concurrent delivery of the same message waits for ours and then finds it.
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO envelopes (id, account_id, mailbox_id, sender_address, subject, locale, status, message_id,
       queue_id, dedupe_key, raw_sha256, raw_size_bytes, expires_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (mailbox_id, dedupe_key) DO NOTHING RETURNING id`,
    [
      id,
      input.accountId,
      input.mailboxId,
      input.senderAddress,
      input.subject,
      input.locale,
      input.messageId,
      input.queueId,
      input.dedupeKey,
      input.raw.sha256,
      input.raw.sizeBytes,
      input.expiresAt,
      now,
    ],
  );
  if (inserted.rowCount === 0) {
    const existing = await tx.query<{ id: string }>(
      'SELECT id FROM envelopes WHERE mailbox_id = $1 AND dedupe_key = $2',
      [input.mailboxId, input.dedupeKey],
    );
    const row = existing.rows[0];
    if (!row) throw new Error('envelope dedupe conflict without a row');
    return { isNew: false, envelopeId: row.id };
  }
  for (const [index, doc] of input.documents.entries()) {
    await tx.query(
      `INSERT INTO documents (id, envelope_id, position, file_name, sha256, size_bytes, page_count, has_signatures, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        deps.ids.uuid(),
        id,
        index + 1,
        doc.fileName,
        doc.sha256,
        doc.sizeBytes,
        doc.pageCount,
        doc.hasSignatures,
        now,
      ],
    );
  }
  const signers: { id: string; address: string; position: number }[] = [];
  for (const [index, signer] of input.signers.entries()) {
    const signerId = deps.ids.uuid();
    const isFirst = index === 0;
    await tx.query(
      `INSERT INTO signers (id, envelope_id, position, address, display_name, status, turn_started_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [
        signerId,
        id,
        index + 1,
        signer.address,
        signer.name,
        isFirst ? 'current' : 'waiting',
        isFirst ? now : null,
        now,
      ],
    );
    signers.push({ id: signerId, address: signer.address, position: index + 1 });
  }
  await recordAuditEvent(tx, deps, {
    type: 'envelope.created',
    actor: 'sender',
    envelopeId: id,
    data: {
      sender: input.senderAddress,
      messageId: input.messageId,
      queueId: input.queueId,
      rawSha256: input.raw.sha256,
      documents: input.documents.map((d) => ({
        fileName: d.fileName,
        sha256: d.sha256,
        pageCount: d.pageCount,
      })),
      signers: input.signers.map((s) => s.address),
    },
  });
  return { isNew: true, envelopeId: id, signers };
}
