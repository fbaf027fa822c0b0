import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';

export const DEFAULT_MAX_ATTEMPTS = 8;

export interface EnqueueJobInput {
  kind: string;
  payload: unknown;
  /** Not before this time (default: now). */
  runAt?: Date;
  maxAttempts?: number;
  /** Enqueueing again with the same key returns the existing job instead of a second one. */
  dedupeKey?: string;
}

/**
 * Adds a job inside the caller's transaction, so the job exists exactly when the state change
 * that calls for it does. Returns the job id (the existing one when `dedupeKey` matched).
 */
export async function enqueueJob(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: EnqueueJobInput,
): Promise<string> {
  const now = deps.clock.now();
  const id = deps.ids.uuid();
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at, updated_at)
     VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $7, $7)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [
      id,
      input.kind,
      JSON.stringify(input.payload ?? null),
      input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      input.runAt ?? now,
      input.dedupeKey ?? null,
      now,
    ],
  );
  if (rows[0]) return rows[0].id;
  const existing = await tx.query<{ id: string }>('SELECT id FROM jobs WHERE dedupe_key = $1', [
    input.dedupeKey,
  ]);
  return (existing.rows[0] as { id: string }).id;
}
