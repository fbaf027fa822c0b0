import type { Db } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError, isAppError, isPermanentError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { enqueueJob } from './enqueue-job.js';
import { JobDeferral, type JobDefinition, type JobSchedule } from './types.js';

export interface WorkerOptions {
  db: Db;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  jobs: JobDefinition[];
  schedules?: JobSchedule[];
  /** Jobs run at once by this worker. */
  concurrency: number;
  /** A claimed job whose worker stops renewing its lease for this long is run again elsewhere. */
  leaseSeconds: number;
  pollMs: number;
  /** On stop, how long running jobs may take before they are released for another worker. */
  stopGraceSeconds: number;
  /** Delay before retry n (1-based); default: 5 s doubling up to one hour. */
  backoffMs?: (attempt: number) => number;
  /** Called after each job finishes (metrics). */
  onJobFinished?: (event: { kind: string; outcome: 'done' | 'retry' | 'failed'; durationMs: number }) => void;
}

export interface Worker {
  readonly id: string;
  start(): void;
  /** Claims and runs what is due now, once; resolves when those jobs have finished. For tests and benches. */
  runOnce(): Promise<number>;
  /** Asks for an immediate poll (after enqueueing in this process). */
  wake(): void;
  /** Stops claiming, lets running jobs finish within the grace period, releases the rest. */
  stop(): Promise<void>;
}

interface ClaimedRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

export const defaultBackoffMs = (attempt: number): number => Math.min(5_000 * 2 ** (attempt - 1), 3_600_000);

/**
 * What a retry log line carries: a catalogued failure that a retry may cure is expected (a relay
 * answering 4xx), so its code and message say it all; anything else keeps its stack.
 */
function retryLogFields(error: unknown): Record<string, unknown> {
  if (error instanceof AppError && error.kind !== 'internal')
    return { code: error.code, reason: error.message };
  return { err: error };
}

function describe(error: unknown): string {
  // The code first: it is what an operator greps for and what the catalogue documents.
  if (isAppError(error)) return `${error.code}: ${error.message}`.slice(0, 2000);
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  return String(error).slice(0, 2000);
}

/**
 * A job runner on the `jobs` table. Claims with FOR UPDATE SKIP LOCKED, so any number of workers
 * in any number of processes share one queue without running a job twice; a lease (renewed while
 * the job runs) lets another worker take over a job whose process died.
 */
export function createWorker(options: WorkerOptions): Worker {
  const { db, clock, logger } = options;
  const workerId = `${process.pid}-${options.ids.uuid().slice(0, 8)}`;
  const definitions = new Map(options.jobs.map((job) => [job.kind, job]));
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const leaseMs = options.leaseSeconds * 1000;
  const running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  let isStopping = false;
  let timer: NodeJS.Timeout | undefined;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  async function claim(limit: number): Promise<ClaimedRow[]> {
    const now = clock.now();
    const { rows } = await db.query<ClaimedRow>(
      `UPDATE jobs
       SET status = 'running', locked_by = $1, lease_expires_at = $3, attempts = attempts + 1, updated_at = $2
       WHERE id IN (
         SELECT id FROM jobs
         WHERE (status = 'queued' AND run_at <= $2) OR (status = 'running' AND lease_expires_at < $2)
         ORDER BY run_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, payload, attempts, max_attempts`,
      [workerId, now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }

  async function finish(
    row: ClaimedRow,
    outcome: 'done' | 'retry' | 'failed' | 'deferred',
    error?: unknown,
  ): Promise<void> {
    const now = clock.now();
    if (outcome === 'deferred' && error instanceof JobDeferral) {
      // Not a run: the attempt is given back, as when a stopping worker releases a job.
      await db.query(
        `UPDATE jobs SET status = 'queued', locked_by = NULL, lease_expires_at = NULL, attempts = attempts - 1,
           updated_at = $3, run_at = $4
         WHERE id = $1 AND locked_by = $2`,
        [row.id, workerId, now, error.runAt],
      );
      return;
    }
    // Each update is conditional on our lease: a worker that lost its job must not overwrite
    // what the worker that took it over recorded.
    if (outcome === 'done') {
      await db.query(
        `UPDATE jobs SET status = 'done', locked_by = NULL, lease_expires_at = NULL, updated_at = $3, finished_at = $3
         WHERE id = $1 AND locked_by = $2`,
        [row.id, workerId, now],
      );
    } else if (outcome === 'retry') {
      await db.query(
        `UPDATE jobs SET status = 'queued', locked_by = NULL, lease_expires_at = NULL, updated_at = $3,
           run_at = $4, last_error = $5
         WHERE id = $1 AND locked_by = $2`,
        [row.id, workerId, now, new Date(now.getTime() + backoffMs(row.attempts)), describe(error)],
      );
    } else {
      await db.query(
        `UPDATE jobs SET status = 'failed', locked_by = NULL, lease_expires_at = NULL, updated_at = $3,
           finished_at = $3, last_error = $4
         WHERE id = $1 AND locked_by = $2`,
        [row.id, workerId, now, describe(error)],
      );
    }
  }

  async function execute(row: ClaimedRow, abort: AbortController): Promise<void> {
    const started = performance.now();
    const log = logger.child({ jobId: row.id, kind: row.kind, attempt: row.attempts });
    let outcome: 'done' | 'retry' | 'failed' | 'deferred' = 'done';
    let failure: unknown;
    const renew = setInterval(
      () => {
        db.query('UPDATE jobs SET lease_expires_at = $3 WHERE id = $1 AND locked_by = $2', [
          row.id,
          workerId,
          new Date(clock.now().getTime() + leaseMs),
        ]).catch((error: unknown) => log.warn({ err: error }, 'lease renewal failed'));
      },
      Math.max(1000, leaseMs / 3),
    );
    try {
      const definition = definitions.get(row.kind);
      if (!definition) throw new Error(`no handler for job kind ${row.kind}`);
      // A job that exhausted its attempts through dying workers (lease expiry) is not run again.
      if (row.attempts > row.max_attempts) throw new Error(`gave up after ${row.max_attempts} attempts`);
      const payload = definition.payloadSchema.safeParse(row.payload);
      if (!payload.success) {
        outcome = 'failed';
        throw new Error(`invalid payload: ${payload.error.message}`);
      }
      await definition.handle(payload.data, {
        jobId: row.id,
        attempt: row.attempts,
        signal: abort.signal,
        logger: log,
      });
    } catch (error) {
      failure = error;
      // A permanent failure (the catalogue's `invalid`) fails the same way every time: end it now.
      if (error instanceof JobDeferral) outcome = 'deferred';
      else if (outcome !== 'failed')
        outcome = isPermanentError(error) || row.attempts >= row.max_attempts ? 'failed' : 'retry';
    } finally {
      clearInterval(renew);
    }
    if (abort.signal.aborted && outcome !== 'done') {
      // Interrupted by stop(): release() hands it back without counting the attempt.
      return;
    }
    if (outcome === 'deferred') {
      log.debug({ reason: (failure as JobDeferral).message }, 'job deferred');
      await finish(row, outcome, failure);
      return;
    }
    if (outcome === 'failed') log.error({ err: failure }, 'job failed for good');
    else if (outcome === 'retry') log.warn(retryLogFields(failure), 'job failed, will retry');
    await finish(row, outcome, failure);
    options.onJobFinished?.({ kind: row.kind, outcome, durationMs: performance.now() - started });
  }

  function launch(row: ClaimedRow): Promise<void> {
    const abort = new AbortController();
    const promise = execute(row, abort)
      .catch((error: unknown) => logger.error({ err: error, jobId: row.id }, 'could not record job outcome'))
      .finally(() => running.delete(row.id));
    running.set(row.id, { promise, abort });
    return promise;
  }

  let schedulesRegistered: Promise<void> | undefined;

  async function tickSchedules(): Promise<void> {
    if (!options.schedules?.length) return;
    schedulesRegistered ??= registerSchedules();
    await schedulesRegistered;
    const now = clock.now();
    await db.transaction(async (tx) => {
      // The conditional update hands each due occurrence to exactly one process.
      const { rows } = await tx.query<{ name: string; kind: string; payload: unknown; next_run_at: Date }>(
        `UPDATE job_schedules SET next_run_at = $1::timestamptz + make_interval(secs => interval_seconds)
         WHERE next_run_at <= $1 RETURNING name, kind, payload, next_run_at`,
        [now],
      );
      for (const row of rows)
        await enqueueJob(tx, options, {
          kind: row.kind,
          payload: row.payload,
          dedupeKey: `schedule:${row.name}:${now.toISOString()}`,
          maxAttempts: 1,
        });
    });
  }

  async function registerSchedules(): Promise<void> {
    const now = clock.now();
    for (const schedule of options.schedules ?? []) {
      await db.query(
        `INSERT INTO job_schedules (name, kind, payload, interval_seconds, next_run_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, payload = excluded.payload,
           interval_seconds = excluded.interval_seconds`,
        [
          schedule.name,
          schedule.kind,
          JSON.stringify(schedule.payload ?? null),
          schedule.intervalSeconds,
          now,
        ],
      );
    }
  }

  async function poll(): Promise<ClaimedRow[]> {
    const free = options.concurrency - running.size;
    if (free <= 0) return [];
    const rows = await claim(free);
    for (const row of rows) void launch(row);
    return rows;
  }

  async function runLoop(): Promise<void> {
    while (!isStopping) {
      let claimed = 0;
      try {
        await tickSchedules();
        claimed = (await poll()).length;
      } catch (error) {
        logger.warn({ err: error }, 'job poll failed; will try again');
      }
      // Full batch: more may be waiting, poll again as soon as a slot frees up.
      if (claimed > 0 && running.size < options.concurrency) continue;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, running.size >= options.concurrency ? 20 : options.pollMs);
      });
      wakeUp = undefined;
    }
  }

  async function release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.query(
      `UPDATE jobs SET status = 'queued', locked_by = NULL, lease_expires_at = NULL, attempts = attempts - 1,
         updated_at = $3
       WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
      [ids, workerId, clock.now()],
    );
  }

  return {
    id: workerId,
    start() {
      loop ??= runLoop();
    },
    async runOnce() {
      await tickSchedules();
      const rows = await poll();
      await Promise.all([...running.values()].map((r) => r.promise));
      return rows.length;
    },
    wake() {
      if (timer) clearTimeout(timer);
      wakeUp?.();
    },
    async stop() {
      isStopping = true;
      this.wake();
      await loop;
      const inFlight = [...running.entries()];
      const grace = new Promise<'timeout'>((resolve) => {
        const t = setTimeout(() => resolve('timeout'), options.stopGraceSeconds * 1000);
        t.unref();
      });
      const settled = Promise.all(inFlight.map(([, r]) => r.promise)).then(() => 'done' as const);
      if ((await Promise.race([settled, grace])) === 'timeout') {
        for (const [, r] of inFlight) r.abort.abort();
        await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        // Every job that was running, finished or not: release() only touches rows we still hold,
        // so a job that completed meanwhile stays done, and an aborted one goes back to the queue.
        await release(inFlight.map(([id]) => id));
      }
    },
  };
}
