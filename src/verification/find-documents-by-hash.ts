import type { Queryable } from '../db/index.js';
import type { EnvelopeStatus } from '../envelopes/index.js';
import { maskName } from './mask-name.js';

export interface EnvelopeMatch {
  envelopeId: string;
  /** Which of our files has this hash: the sealed result, or the original as sent for signature. */
  which: 'sealed' | 'original';
  /** The file and subject only for a visitor who holds the file itself (a hash alone reveals no subject). */
  fileName: string | null;
  subject: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  status: EnvelopeStatus;
  /** In turn order; masked unless the visitor holds the file. */
  signers: string[];
}

/** At most this many envelopes are listed for one original (the same PDF may be sent again). */
const MAX_MATCHES = 5;

/**
 * The envelopes a document with this SHA-256 belongs to, as a sealed result or as an original.
 * `hasFile`: the visitor uploaded the file itself, so they may read what it already shows them
 * (subject, signers' names); a hash alone only proves the file exists.
 */
export async function findDocumentsByHash(
  db: Queryable,
  input: { sha256: string; hasFile: boolean },
): Promise<EnvelopeMatch[]> {
  const { rows } = await db.query<{
    envelope_id: string;
    which: 'sealed' | 'original';
    file_name: string;
    subject: string;
    created_at: Date;
    finished_at: Date | null;
    status: EnvelopeStatus;
    signers: { name: string | null; address: string; position: number }[];
  }>(
    `SELECT m.envelope_id, m.which, m.file_name, e.subject, e.created_at, e.finished_at, e.status,
            (SELECT json_agg(json_build_object('name', s.display_name, 'address', s.address, 'position', s.position))
               FROM signers s WHERE s.envelope_id = e.id) AS signers
     FROM (SELECT sd.envelope_id, 'sealed' AS which, d.file_name
             FROM sealed_documents sd JOIN documents d ON d.id = sd.document_id WHERE sd.sha256 = $1
           UNION ALL
           SELECT d.envelope_id, 'original' AS which, d.file_name FROM documents d WHERE d.sha256 = $1) m
     JOIN envelopes e ON e.id = m.envelope_id
     ORDER BY m.which DESC, e.created_at DESC
     LIMIT ${MAX_MATCHES}`,
    [input.sha256],
  );
  return rows.map((r) => ({
    envelopeId: r.envelope_id,
    which: r.which,
    fileName: input.hasFile ? r.file_name : null,
    subject: input.hasFile ? r.subject : null,
    createdAt: new Date(r.created_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    status: r.status,
    signers: [...(r.signers ?? [])]
      .sort((a, b) => a.position - b.position)
      .map((s) => (input.hasFile ? (s.name ?? s.address) : maskName(s.name ?? s.address))),
  }));
}
