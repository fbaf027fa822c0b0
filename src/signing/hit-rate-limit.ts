import type { Queryable } from '../db/index.js';

/**
 * Counts one request in each bucket's current fixed window (one statement for all buckets) and
 * returns the first bucket over its limit, if any. The counters live in the database so every web
 * process shares them.
 */
export async function hitRateLimit(
  db: Queryable,
  input: { buckets: { bucket: string; limit: number }[]; windowSeconds: number; now: Date },
): Promise<{ exceeded: string | null; retryAfterSeconds: number }> {
  const windowMs = input.windowSeconds * 1000;
  const start = new Date(Math.floor(input.now.getTime() / windowMs) * windowMs);
  const values = input.buckets.map((_, i) => `($${i + 2}, $1, 1)`).join(', ');
  const { rows } = await db.query<{ bucket: string; hits: number }>(
    `INSERT INTO signing_rate_counters (bucket, window_start, hits) VALUES ${values}
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = signing_rate_counters.hits + 1
     RETURNING bucket, hits`,
    [start, ...input.buckets.map((b) => b.bucket)],
  );
  const retryAfterSeconds = Math.max(1, Math.ceil((start.getTime() + windowMs - input.now.getTime()) / 1000));
  const over = input.buckets.find(
    (b) => Number(rows.find((r) => r.bucket === b.bucket)?.hits ?? 0) > b.limit,
  );
  return { exceeded: over?.bucket ?? null, retryAfterSeconds };
}

/** Old windows are only history. */
export async function purgeRateCounters(db: Queryable, input: { before: Date }): Promise<void> {
  await db.query('DELETE FROM signing_rate_counters WHERE window_start < $1', [input.before]);
}
