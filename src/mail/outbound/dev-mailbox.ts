import type { BlobStore } from '../../blobs/index.js';
import type { Db, Queryable } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Ids } from '../../shared/ids.js';
import type { MailTransport, OutgoingMail } from './types.js';

export interface DevMailSummary {
  id: string;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  sizeBytes: number;
  createdAt: Date;
}

interface DevMailRow {
  id: string;
  envelope_from: string;
  recipients: string[];
  subject: string;
  raw_sha256: string;
  size_bytes: number;
  created_at: Date;
}

/**
 * The decoded Subject header, for listing only (the raw bytes stay untouched in the blob store).
 * Control characters go: Postgres refuses a NUL in text, and one odd message must still be kept.
 */
function subjectOf(raw: Uint8Array): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return decodeSubject(raw).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

function decodeSubject(raw: Uint8Array): string {
  const head = Buffer.from(raw.subarray(0, Math.min(raw.byteLength, 64 * 1024))).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = headers.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  if (!line) return '';
  const value = line.slice(line.indexOf(':') + 1).trim();
  return value.replace(
    /=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g,
    (_all, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      try {
        return new TextDecoder(charset).decode(bytes);
      } catch {
        return bytes.toString('latin1');
      }
    },
  );
}

/**
 * The dev mailbox: outgoing mail kept in the database and blob store instead of leaving the
 * machine, shown at /dev/mail. Shared by every process on the same database.
 */
export function devMailTransport(deps: { db: Db; blobs: BlobStore; clock: Clock; ids: Ids }): MailTransport {
  return {
    name: 'dev',
    async send(mail: OutgoingMail) {
      await storeDevMail(deps.db, deps, mail);
    },
    async close() {},
  };
}

/** Keeps one outgoing message in the dev mailbox. */
export async function storeDevMail(
  tx: Queryable,
  deps: { blobs: BlobStore; clock: Clock; ids: Ids },
  mail: OutgoingMail,
): Promise<string> {
  const blob = await deps.blobs.put(mail.raw);
  const id = deps.ids.uuid();
  await tx.query(
    `INSERT INTO dev_mail (id, envelope_from, recipients, subject, raw_sha256, size_bytes, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      id,
      mail.from,
      JSON.stringify(mail.to),
      subjectOf(mail.raw),
      blob.sha256,
      blob.sizeBytes,
      deps.clock.now(),
    ],
  );
  return id;
}

function toSummary(row: DevMailRow): DevMailSummary {
  return {
    id: row.id,
    envelopeFrom: row.envelope_from,
    recipients: row.recipients,
    subject: row.subject,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at,
  };
}

/** Newest first. */
export async function listDevMail(
  db: Queryable,
  options: { limit?: number } = {},
): Promise<DevMailSummary[]> {
  const { rows } = await db.query<DevMailRow>(
    'SELECT * FROM dev_mail ORDER BY created_at DESC, id DESC LIMIT $1',
    [options.limit ?? 200],
  );
  return rows.map(toSummary);
}

async function findDevMailRow(db: Queryable, id: string): Promise<DevMailRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('HTTP_NOT_FOUND', `not a dev mail id: ${id}`);
  const { rows } = await db.query<DevMailRow>('SELECT * FROM dev_mail WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) throw new AppError('HTTP_NOT_FOUND', `no dev mail ${id}`);
  return row;
}

/** One message's row, without its bytes (which may be unreadable). */
export async function getDevMailSummary(db: Queryable, id: string): Promise<DevMailSummary> {
  return toSummary(await findDevMailRow(db, id));
}

/** One message with its raw bytes. */
export async function getDevMail(
  db: Queryable,
  blobs: BlobStore,
  id: string,
): Promise<DevMailSummary & { raw: Uint8Array }> {
  const row = await findDevMailRow(db, id);
  return { ...toSummary(row), raw: await blobs.get(row.raw_sha256) };
}
