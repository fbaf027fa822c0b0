import { z } from 'zod';
import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { defineJob, type JobDefinition, type JobSchedule } from '../../jobs/index.js';
import type { Clock } from '../../shared/clock.js';

export const MAIL_PURGE_JOB = 'mail.purge';

/** Hourly: a body outlives its retention by an hour at most. */
export const mailPurgeSchedule: JobSchedule = {
  name: MAIL_PURGE_JOB,
  kind: MAIL_PURGE_JOB,
  payload: {},
  intervalSeconds: 3600,
};

const DAY_MS = 86_400_000;

/**
 * Deletes the bodies of outgoing messages whose delivery ended (sent or refused) more than
 * `keepDays` ago: a body holds the recipient's signing link in clear, and once delivered nothing
 * needs it. The row stays (recipients, outcome, dates) for operators. Rows are taken in batches
 * with SKIP LOCKED, so two workers purging together never take the same row.
 *
 * The store is content-addressed, so a body's blob is deleted only when no other message refers
 * to the same bytes: another outbox row, the dev mailbox, or the original kept as evidence of an
 * envelope or of a refused request (a copy without a link block can equal the original byte for
 * byte). Only tables holding whole messages are looked at; documents and images never equal one.
 */
export async function purgeOutbox(
  deps: { db: Db; blobs: BlobStore; clock: Clock },
  options: { keepDays: number; batchSize?: number },
): Promise<{ purged: number; blobsDeleted: number }> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - options.keepDays * DAY_MS);
  let purged = 0;
  let blobsDeleted = 0;
  for (;;) {
    const { rows } = await deps.db.query<{ raw_sha256: string }>(
      `WITH due AS (
         SELECT id, raw_sha256 FROM mail_outbox
         WHERE body_purged_at IS NULL AND status IN ('sent', 'refused') AND COALESCE(sent_at, refused_at) < $2
         ORDER BY COALESCE(sent_at, refused_at)
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       UPDATE mail_outbox m SET raw_sha256 = NULL, body_purged_at = $1
       FROM due WHERE m.id = due.id
       RETURNING due.raw_sha256`,
      [now, cutoff, options.batchSize ?? 200],
    );
    if (rows.length === 0) break;
    purged += rows.length;
    for (const sha of new Set(rows.map((r) => r.raw_sha256))) {
      const { rows: refs } = await deps.db.query(
        `SELECT 1 FROM mail_outbox WHERE raw_sha256 = $1
         UNION ALL SELECT 1 FROM dev_mail WHERE raw_sha256 = $1
         UNION ALL SELECT 1 FROM envelopes WHERE raw_sha256 = $1
         UNION ALL SELECT 1 FROM sign_request_refusals WHERE raw_sha256 = $1
         LIMIT 1`,
        [sha],
      );
      if (refs.length > 0) continue;
      await deps.blobs.delete(sha);
      blobsDeleted++;
    }
  }
  return { purged, blobsDeleted };
}

/** The scheduled job around `purgeOutbox`. */
export function mailPurgeJob(
  deps: { db: Db; blobs: BlobStore; clock: Clock },
  settings: { keepDays: number },
): JobDefinition {
  return defineJob({
    kind: MAIL_PURGE_JOB,
    payloadSchema: z.object({}).nullable(),
    handle: async (_payload, ctx) => {
      const result = await purgeOutbox(deps, settings);
      if (result.purged > 0) ctx.logger.info(result, 'outgoing mail bodies purged');
    },
  }) as JobDefinition;
}
