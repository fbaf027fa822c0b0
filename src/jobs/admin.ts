import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { JobRecord, JobStatus } from './types.js';

interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  last_error: string | null;
  locked_by: string | null;
  lease_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/** Jobs for operators, newest first; `status` narrows to one state (e.g. 'failed'). */
export async function listJobs(
  db: Queryable,
  options: { status?: JobStatus; limit?: number } = {},
): Promise<JobRecord[]> {
  const { rows } = await db.query<JobRow>(
    `SELECT * FROM jobs WHERE ($1::text IS NULL OR status = $1) ORDER BY updated_at DESC, id LIMIT $2`,
    [options.status ?? null, options.limit ?? 100],
  );
  return rows.map(toRecord);
}

export async function getJob(db: Queryable, id: string): Promise<JobRecord> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(id);
  const { rows } = isUuid ? await db.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]) : { rows: [] };
  if (!rows[0]) throw new AppError('JOB_NOT_FOUND', `no job ${id}`, { details: { id } });
  return toRecord(rows[0]);
}

/**
 * Puts a failed job back in the queue with a fresh set of attempts. Only a failed job: retrying
 * one that is queued or running would run it twice.
 */
export async function retryJob(db: Queryable, deps: { clock: Clock }, id: string): Promise<JobRecord> {
  const job = await getJob(db, id);
  const now = deps.clock.now();
  // Conditional on status so two operators retrying at once requeue it once.
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2, updated_at = $2, finished_at = NULL
     WHERE id = $1 AND status = 'failed' RETURNING *`,
    [job.id, now],
  );
  if (!rows[0])
    throw new AppError('JOB_NOT_RETRYABLE', `job ${id} is ${job.status}, not failed`, {
      details: { id, status: job.status },
    });
  return toRecord(rows[0]);
}

/** Counts per status, for /metrics and the CLI. */
export async function countJobs(db: Queryable): Promise<Record<JobStatus, number>> {
  const { rows } = await db.query<{ status: JobStatus; n: number }>(
    'SELECT status, count(*)::int AS n FROM jobs GROUP BY status',
  );
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
