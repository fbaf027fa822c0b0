import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { freshDb, testEngine } from '../../test/support/db.js';
import { silentLogger } from '../../test/support/logger.js';
import type { Db } from '../db/index.js';
import { manualClock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { randomIds } from '../shared/ids.js';
import { createLogger } from '../shared/logger.js';
import { defineJob, enqueueJob, getJob, JobDeferral, listJobs, retryJob } from './index.js';
import { createWorker, type WorkerOptions } from './worker.js';

describe(`job queue (${testEngine})`, () => {
  let db: Db;
  before(async () => {
    db = await freshDb();
  });
  after(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM jobs');
    await db.query('DELETE FROM job_schedules');
  });

  const base = (clock = manualClock()): Omit<WorkerOptions, 'jobs'> => ({
    db,
    clock,
    ids: randomIds,
    logger: silentLogger,
    concurrency: 4,
    leaseSeconds: 60,
    pollMs: 10,
    stopGraceSeconds: 5,
  });

  it('runs a job with its validated payload and marks it done', async () => {
    const seen: string[] = [];
    const job = defineJob({
      kind: 'test.echo',
      payloadSchema: z.object({ word: z.string() }),
      handle: async (payload) => {
        seen.push(payload.word);
      },
    });
    const clock = manualClock();
    const id = await enqueueJob(
      db,
      { clock, ids: randomIds },
      { kind: 'test.echo', payload: { word: 'bonjour' } },
    );
    const worker = createWorker({ ...base(clock), jobs: [job] });
    assert.equal(await worker.runOnce(), 1);
    assert.deepEqual(seen, ['bonjour']);
    const record = await getJob(db, id);
    assert.equal(record.status, 'done');
    assert.equal(record.attempts, 1);
  });

  it('enqueues once per dedupe key', async () => {
    const deps = { clock: manualClock(), ids: randomIds };
    const a = await enqueueJob(db, deps, { kind: 'k', payload: {}, dedupeKey: 'same' });
    const b = await enqueueJob(db, deps, { kind: 'k', payload: {}, dedupeKey: 'same' });
    assert.equal(a, b);
    assert.equal((await listJobs(db)).length, 1);
  });

  it('never runs the same job in two workers', async () => {
    const runs = new Map<number, number>();
    const job = defineJob({
      kind: 'test.count',
      payloadSchema: z.object({ n: z.number() }),
      handle: async ({ n }) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    const clock = manualClock();
    const total = 120;
    await db.transaction(async (tx) => {
      for (let n = 0; n < total; n++)
        await enqueueJob(tx, { clock, ids: randomIds }, { kind: job.kind, payload: { n } });
    });
    const workers = [1, 2].map(() => createWorker({ ...base(clock), jobs: [job] }));
    // Both workers poll concurrently until the queue is empty.
    await Promise.all(
      workers.map(async (worker) => {
        while ((await worker.runOnce()) > 0);
      }),
    );
    assert.equal(runs.size, total);
    assert.ok(
      [...runs.values()].every((count) => count === 1),
      'a job ran more than once',
    );
  });

  it('runs again a job whose worker died once its lease has expired', async () => {
    const clock = manualClock();
    let releaseStuck: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      releaseStuck = resolve;
    });
    const ranBy: string[] = [];
    const makeJob = (name: string, wait?: Promise<void>) =>
      defineJob({
        kind: 'test.lease',
        payloadSchema: z.object({}),
        handle: async () => {
          ranBy.push(name);
          if (wait) await wait;
        },
      });
    const id = await enqueueJob(db, { clock, ids: randomIds }, { kind: 'test.lease', payload: {} });
    const dying = createWorker({ ...base(clock), leaseSeconds: 30, jobs: [makeJob('dying', stuck)] });
    const dyingRun = dying.runOnce();
    // Within the lease nobody else takes it.
    const rescuer = createWorker({ ...base(clock), leaseSeconds: 30, jobs: [makeJob('rescuer')] });
    while (ranBy.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await rescuer.runOnce(), 0);
    clock.advance(31_000);
    assert.equal(await rescuer.runOnce(), 1);
    assert.deepEqual(ranBy, ['dying', 'rescuer']);
    assert.equal((await getJob(db, id)).status, 'done');
    // The first worker comes back to life: its late outcome must not overwrite the rescuer's.
    releaseStuck();
    await dyingRun;
    const record = await getJob(db, id);
    assert.equal(record.status, 'done');
    assert.equal(record.attempts, 2);
  });

  it('backs off between attempts, then fails for good, and an operator can retry it', async () => {
    const clock = manualClock();
    let calls = 0;
    const job = defineJob({
      kind: 'test.flaky',
      payloadSchema: z.object({}),
      handle: async () => {
        calls++;
        throw new Error('provider said no');
      },
    });
    const id = await enqueueJob(
      db,
      { clock, ids: randomIds },
      { kind: job.kind, payload: {}, maxAttempts: 3 },
    );
    const worker = createWorker({ ...base(clock), jobs: [job] });
    assert.equal(await worker.runOnce(), 1);
    let record = await getJob(db, id);
    assert.equal(record.status, 'queued');
    assert.equal(record.runAt.getTime() - clock.now().getTime(), 5_000);
    assert.match(record.lastError ?? '', /provider said no/);
    assert.equal(await worker.runOnce(), 0, 'ran before its backoff elapsed');
    clock.advance(5_000);
    assert.equal(await worker.runOnce(), 1);
    record = await getJob(db, id);
    assert.equal(record.runAt.getTime() - clock.now().getTime(), 10_000, 'backoff doubles');
    clock.advance(10_000);
    await worker.runOnce();
    record = await getJob(db, id);
    assert.equal(record.status, 'failed');
    assert.equal(calls, 3);
    assert.deepEqual(
      (await listJobs(db, { status: 'failed' })).map((j) => j.id),
      [id],
    );
    await assert.rejects(retryJob(db, { clock }, ids0()), { code: 'JOB_NOT_FOUND' });
    const retried = await retryJob(db, { clock }, id);
    assert.equal(retried.status, 'queued');
    assert.equal(retried.attempts, 0);
    await assert.rejects(retryJob(db, { clock }, id), { code: 'JOB_NOT_RETRYABLE' });
  });

  it('fails at once a job whose payload does not parse', async () => {
    const clock = manualClock();
    const job = defineJob({
      kind: 'test.strict',
      payloadSchema: z.object({ n: z.number() }),
      handle: async () => {},
    });
    const id = await enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: { n: 'x' } });
    await createWorker({ ...base(clock), jobs: [job] }).runOnce();
    const record = await getJob(db, id);
    assert.equal(record.status, 'failed');
    assert.match(record.lastError ?? '', /invalid payload/);
  });

  it('fails at once a job whose error the catalogue marks permanent, and keeps retrying the others', async () => {
    const clock = manualClock();
    const job = defineJob({
      kind: 'test.permanent',
      payloadSchema: z.object({ code: z.enum(['PDF_STAMP_IMAGE_INVALID', 'DB_UNAVAILABLE']) }),
      handle: async (payload) => {
        throw new AppError(payload.code, 'it went wrong');
      },
    });
    const enqueue = (code: string) =>
      enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: { code }, maxAttempts: 20 });
    const permanent = await enqueue('PDF_STAMP_IMAGE_INVALID');
    const transient = await enqueue('DB_UNAVAILABLE');
    await createWorker({ ...base(clock), jobs: [job] }).runOnce();
    const ended = await getJob(db, permanent);
    assert.equal(ended.status, 'failed');
    assert.equal(ended.attempts, 1);
    assert.equal(ended.lastError, 'PDF_STAMP_IMAGE_INVALID: it went wrong');
    assert.equal((await getJob(db, transient)).status, 'queued');
  });

  it('enqueues a scheduled job once per interval, whichever worker ticks', async () => {
    const clock = manualClock();
    const runs: string[] = [];
    const job = defineJob({
      kind: 'test.sweep',
      payloadSchema: z.object({}),
      handle: async () => void runs.push('x'),
    });
    const schedules = [{ name: 'sweep', kind: 'test.sweep', payload: {}, intervalSeconds: 60 }];
    const a = createWorker({ ...base(clock), jobs: [job], schedules });
    const b = createWorker({ ...base(clock), jobs: [job], schedules });
    // The first tick registers the schedule, due at once; only one of the two workers enqueues it.
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    assert.equal(runs.length, 1);
    clock.advance(60_000);
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    assert.equal(runs.length, 2);
  });

  it('on stop, lets a running job finish within the grace period', async () => {
    const clock = manualClock();
    let finish: () => void = () => {};
    let started = false;
    const job = defineJob({
      kind: 'test.slow',
      payloadSchema: z.object({}),
      handle: () =>
        new Promise<void>((resolve) => {
          started = true;
          finish = resolve;
        }),
    });
    const id = await enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: {} });
    const worker = createWorker({ ...base(clock), jobs: [job] });
    worker.start();
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = worker.stop();
    finish();
    await stopping;
    assert.equal((await getJob(db, id)).status, 'done');
  });

  it('on stop, hands back a job that outlives the grace period without counting the attempt', async () => {
    const clock = manualClock();
    let started = false;
    const job = defineJob({
      kind: 'test.stuck',
      payloadSchema: z.object({}),
      handle: (_payload, ctx) =>
        new Promise<void>((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    const id = await enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: {} });
    const worker = createWorker({ ...base(clock), stopGraceSeconds: 1, jobs: [job] });
    worker.start();
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    const record = await getJob(db, id);
    assert.equal(record.status, 'queued');
    assert.equal(record.attempts, 0);
    assert.equal(record.lockedBy, null);
  });

  it('puts a deferred job back until the given time, without counting an attempt or a failure', async () => {
    const clock = manualClock();
    let runs = 0;
    const job = defineJob({
      kind: 'test.defer',
      payloadSchema: z.object({}),
      handle: async () => {
        runs++;
        if (runs === 1) throw new JobDeferral(new Date(clock.now().getTime() + 10_000), 'row held elsewhere');
      },
    });
    const id = await enqueueJob(
      db,
      { clock, ids: randomIds },
      { kind: job.kind, payload: {}, maxAttempts: 1 },
    );
    const finished: string[] = [];
    const worker = createWorker({
      ...base(clock),
      jobs: [job],
      onJobFinished: ({ outcome }) => finished.push(outcome),
    });
    await worker.runOnce();
    const deferred = await getJob(db, id);
    assert.equal(deferred.status, 'queued');
    assert.equal(deferred.attempts, 0);
    assert.equal(deferred.runAt.getTime(), clock.now().getTime() + 10_000);
    assert.equal(await worker.runOnce(), 0, 'not before its time');
    clock.advance(10_000);
    await worker.runOnce();
    // One attempt allowed, and the deferral did not use it up.
    assert.equal((await getJob(db, id)).status, 'done');
    assert.deepEqual(finished, ['done']);
  });

  it('logs an expected retry as one warning with its code and no stack, an unexpected one with its stack', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => lines.push(line) },
    });
    const clock = manualClock();
    const job = defineJob({
      kind: 'test.flaky',
      payloadSchema: z.object({ isExpected: z.boolean() }),
      handle: async ({ isExpected }) => {
        throw isExpected
          ? new AppError('MAIL_RELAY_UNAVAILABLE', 'relay: 451 try later')
          : new TypeError('cannot read x of undefined');
      },
    });
    await enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: { isExpected: true } });
    await enqueueJob(db, { clock, ids: randomIds }, { kind: job.kind, payload: { isExpected: false } });
    await createWorker({ ...base(clock), logger, jobs: [job] }).runOnce();
    const warnings = lines.map((l) => JSON.parse(l)).filter((r) => r.level === 40);
    assert.equal(warnings.length, 2);
    const expected = warnings.find((r) => r.code === 'MAIL_RELAY_UNAVAILABLE');
    assert.equal(expected?.reason, 'relay: 451 try later');
    assert.equal(JSON.stringify(expected).includes('at '), false, 'no stack trace');
    const unexpected = warnings.find((r) => r.err);
    assert.match(unexpected?.err.stack ?? '', /TypeError: cannot read x/);
  });
});

function ids0(): string {
  return '00000000-0000-4000-8000-000000000000';
}
