import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { hashToken } from '../shared/ids.js';
import {
  type DocumentRow,
  type EnvelopeRow,
  type SignerRow,
  toDocument,
  toEnvelope,
  toSigner,
} from './rows.js';
import type { Envelope, EnvelopeDocument, EnvelopeStatus, Signer } from './types.js';

export interface EnvelopeDetails {
  envelope: Envelope;
  documents: EnvelopeDocument[];
  /** In turn order. */
  signers: Signer[];
}

/** An envelope with its documents and signers (ENVELOPE_NOT_FOUND). */
export async function getEnvelope(db: Queryable, envelopeId: string): Promise<EnvelopeDetails> {
  const { rows } = await db.query<EnvelopeRow>('SELECT * FROM envelopes WHERE id = $1', [envelopeId]);
  const row = rows[0];
  if (!row) throw new AppError('ENVELOPE_NOT_FOUND', `no envelope ${envelopeId}`);
  const documents = await db.query<DocumentRow>(
    'SELECT * FROM documents WHERE envelope_id = $1 ORDER BY position',
    [envelopeId],
  );
  const signers = await db.query<SignerRow>(
    'SELECT * FROM signers WHERE envelope_id = $1 ORDER BY position',
    [envelopeId],
  );
  return {
    envelope: toEnvelope(row),
    documents: documents.rows.map(toDocument),
    signers: signers.rows.map(toSigner),
  };
}

/** The envelope a message already made for this mailbox, if any. */
export async function findEnvelopeByDedupeKey(
  db: Queryable,
  input: { mailboxId: string; dedupeKey: string },
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM envelopes WHERE mailbox_id = $1 AND dedupe_key = $2',
    [input.mailboxId, input.dedupeKey],
  );
  return rows[0]?.id ?? null;
}

/**
 * The signer behind a link token, with their envelope, or null for an unknown token. The token
 * is hashed before the lookup: only hashes are stored.
 */
export async function findSignerByToken(
  db: Queryable,
  token: string,
): Promise<{ signer: Signer; envelope: Envelope } | null> {
  if (token.length < 16 || token.length > 128) return null;
  const { rows } = await db.query<SignerRow & { e: EnvelopeRow }>(
    `SELECT s.*, row_to_json(e.*) AS e
     FROM signer_links l JOIN signers s ON s.id = l.signer_id JOIN envelopes e ON e.id = s.envelope_id
     WHERE l.token_hash = $1`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  return { signer: toSigner(row), envelope: toEnvelope(row.e) };
}

/**
 * The signer behind a link token with their whole envelope (documents and signers in order), or
 * null for an unknown token. One statement: the signing page and every submit read this, and
 * under a burst of signers each round trip queues behind the others' on the one database.
 */
export async function findSigningDetailsByToken(
  db: Queryable,
  token: string,
): Promise<(EnvelopeDetails & { signer: Signer }) | null> {
  if (token.length < 16 || token.length > 128) return null;
  const { rows } = await db.query<
    SignerRow & { e: EnvelopeRow; docs: DocumentRow[] | null; all_signers: SignerRow[] }
  >(
    `SELECT s.*, row_to_json(e.*) AS e,
       (SELECT json_agg(d ORDER BY d.position) FROM documents d WHERE d.envelope_id = e.id) AS docs,
       (SELECT json_agg(x ORDER BY x.position) FROM signers x WHERE x.envelope_id = e.id) AS all_signers
     FROM signer_links l JOIN signers s ON s.id = l.signer_id JOIN envelopes e ON e.id = s.envelope_id
     WHERE l.token_hash = $1`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    signer: toSigner(row),
    envelope: toEnvelope(row.e),
    documents: (row.docs ?? []).map(toDocument),
    signers: row.all_signers.map(toSigner),
  };
}

/** How many envelopes are in `status` now (operators' gauges). */
export async function countEnvelopes(db: Queryable, input: { status: EnvelopeStatus }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM envelopes WHERE status = $1',
    [input.status],
  );
  return rows[0]?.n ?? 0;
}
