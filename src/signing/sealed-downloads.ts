import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { hashToken } from '../shared/ids.js';

export interface SealedDownload {
  envelopeId: string;
  subject: string;
  locale: 'fr' | 'en';
  files: { position: number; fileName: string; sha256: string; sizeBytes: number }[];
}

/** The sealed documents behind a download link (mails too large to carry them attached). */
export async function findSealedDownload(db: Queryable, token: string): Promise<SealedDownload> {
  const unknown = () => new AppError('SIGNING_LINK_UNKNOWN', 'unknown download link');
  if (token.length < 16 || token.length > 128) throw unknown();
  const { rows } = await db.query<{
    envelope_id: string;
    subject: string;
    locale: 'fr' | 'en';
    position: number;
    file_name: string;
    sha256: string;
    size_bytes: number;
  }>(
    `SELECT e.id AS envelope_id, e.subject, e.locale, d.position, d.file_name, sd.sha256, sd.size_bytes
     FROM sealed_download_links l JOIN envelopes e ON e.id = l.envelope_id
     JOIN documents d ON d.envelope_id = e.id JOIN sealed_documents sd ON sd.document_id = d.id
     WHERE l.token_hash = $1 ORDER BY d.position`,
    [hashToken(token)],
  );
  const first = rows[0];
  if (!first) throw unknown();
  return {
    envelopeId: first.envelope_id,
    subject: first.subject,
    locale: first.locale,
    files: rows.map((r) => ({
      position: r.position,
      fileName: r.file_name,
      sha256: r.sha256,
      sizeBytes: r.size_bytes,
    })),
  };
}
