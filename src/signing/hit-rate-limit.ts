import type { Queryable } from '../db/index.js';

/**
 * Counts one request in `bucket`'s current fixed window and says whether it is within `limit`.
 * The counter lives in the database so every web process shares it; one upsert per request.
 */
export async function hitRateLimit(
  db: Queryable,
  input: { bucket: string; limit: number; windowSeconds: number; now: Date },
): Promise<{ isAllowed: boolean; retryAfterSeconds: number }> {
  const windowMs = input.windowSeconds * 1000;
  const start = new Date(Math.floor(input.now.getTime() / windowMs) * windowMs);
  const { rows } = await db.query<{ hits: number }>(
    `INSERT INTO signing_rate_counters (bucket, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = signing_rate_counters.hits + 1
     RETURNING hits`,
    [input.bucket, start],
  );
  const hits = Number(rows[0]?.hits ?? 1);
  const retryAfterSeconds = Math.max(1, Math.ceil((start.getTime() + windowMs - input.now.getTime()) / 1000));
  return { isAllowed: hits <= input.limit, retryAfterSeconds };
}

/** Old windows are only history. */
export async function purgeRateCounters(db: Queryable, input: { before: Date }): Promise<void> {
  await db.query('DELETE FROM signing_rate_counters WHERE window_start < $1', [input.before]);
}
