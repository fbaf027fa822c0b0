import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDb } from '../../../test/support/db.js';
import { silentLogger } from '../../../test/support/logger.js';
import { testOutboxDeps } from '../../../test/support/outbox.js';
import { type BlobStore, openFsBlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { createWorker, listJobs } from '../../jobs/index.js';
import { manualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { createLogger } from '../../shared/logger.js';
import { mailDeliverJob } from './deliver-job.js';
import { enqueueOutgoingMail } from './enqueue-outgoing-mail.js';
import { deliverNow, deliverOutgoingMail, listOutgoingMail } from './outbox.js';
import type { MailTransport, OutgoingMail } from './types.js';

function recordingTransport(): MailTransport & { sent: OutgoingMail[]; failNext: number } {
  const sent: OutgoingMail[] = [];
  const transport = {
    name: 'dev' as const,
    sent,
    failNext: 0,
    async send(mail: OutgoingMail) {
      if (transport.failNext > 0) {
        transport.failNext--;
        throw new Error('451 next hop busy');
      }
      sent.push(mail);
    },
    async close() {},
  };
  return transport;
}

describe('mail outbox', () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  const clock = manualClock();
  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-outbox-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers an enqueued message once, with its exact bytes and DSN parameters', async () => {
    const raw = new TextEncoder().encode('Subject: hi\r\n\r\nbody\r\n');
    const id = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids: randomIds },
        {
          from: 'a@x.test',
          to: ['b@y.test'],
          raw,
          dsn: { ret: 'HDRS', notify: { 'b@y.test': 'SUCCESS,FAILURE' } },
          purpose: 'test',
        },
      ),
    );
    const transport = recordingTransport();
    assert.equal(await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id), 'sent');
    assert.equal(
      await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id),
      'already-sent',
    );
    assert.equal(transport.sent.length, 1);
    assert.deepEqual(Buffer.from(transport.sent[0]?.raw ?? []), Buffer.from(raw));
    assert.equal(transport.sent[0]?.dsn?.ret, 'HDRS');
    const [entry] = await listOutgoingMail(db, {});
    assert.equal(entry?.status, 'sent');
  });

  it('keeps a message whose send failed queued, and sends it on the next attempt', async () => {
    const id = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids: randomIds },
        { from: 'a@x.test', to: ['c@y.test'], raw: new Uint8Array([65, 13, 10]), purpose: 'test' },
      ),
    );
    const transport = recordingTransport();
    transport.failNext = 1;
    await assert.rejects(deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id));
    assert.equal(await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id), 'sent');
    assert.equal(transport.sent.length, 1);
  });

  it('refuses a second sender while a claim is held, and takes over an expired claim', async () => {
    const id = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids: randomIds },
        { from: 'a@x.test', to: ['d@y.test'], raw: new Uint8Array([66, 13, 10]), purpose: 'test' },
      ),
    );
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: MailTransport = {
      name: 'dev',
      send: () => gate,
      async close() {},
    };
    const first = deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport: slow }), id);
    const transport = recordingTransport();
    // Poll until the first claim is visible, then race it.
    for (;;) {
      const [row] = (await listOutgoingMail(db, {})).filter((e) => e.id === id);
      if (row?.status === 'sending') break;
      await new Promise((r) => setImmediate(r));
    }
    await assert.rejects(
      deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id),
      /being sent/,
    );
    clock.advance(3600_000);
    assert.equal(await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), id), 'sent');
    release();
    await first;
    assert.equal(transport.sent.length, 1);
  });

  it('rolls the row back with the transaction that enqueued it', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await enqueueOutgoingMail(
          tx,
          { blobs, clock, ids: randomIds },
          { from: 'a@x.test', to: ['e@y.test'], raw: new Uint8Array([67]), purpose: 'rollback' },
        );
        throw new Error('abort');
      }),
    );
    const all = await listOutgoingMail(db, {});
    assert.equal(
      all.some((e) => e.purpose === 'rollback'),
      false,
    );
  });

  it('is delivered by its mail.deliver job, which ends quietly when the row was already sent', async () => {
    const ids = randomIds;
    const first = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids },
        { from: 'a@x.test', to: ['job@y.test'], raw: new Uint8Array([68, 13, 10]), purpose: 'job' },
      ),
    );
    const second = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids },
        { from: 'a@x.test', to: ['job2@y.test'], raw: new Uint8Array([69, 13, 10]), purpose: 'job' },
      ),
    );
    const transport = recordingTransport();
    // The immediate attempt after commit already sent the second one.
    await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport }), second);
    const worker = createWorker({
      db,
      clock,
      ids,
      logger: silentLogger,
      jobs: [mailDeliverJob(testOutboxDeps({ db, blobs, clock, transport })) as never],
      concurrency: 20,
      leaseSeconds: 60,
      pollMs: 50,
      stopGraceSeconds: 1,
    });
    await worker.runOnce();
    assert.deepEqual(
      transport.sent.map((m) => m.to[0]).filter((to) => to?.startsWith('job')),
      ['job2@y.test', 'job@y.test'],
    );
    const jobs = await listJobs(db, {});
    const mine = jobs.filter(
      (j) => JSON.stringify(j.payload).includes(first) || JSON.stringify(j.payload).includes(second),
    );
    assert.equal(mine.length, 2);
    assert.ok(mine.every((j) => j.status === 'done'));
  });

  it('logs a sent mail once, as info, when its job meets the immediate attempt still sending it', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => lines.push(line) },
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: MailTransport = { name: 'relay', send: () => gate, async close() {} };
    const deps = { ...testOutboxDeps({ db, blobs, clock, transport: slow }), logger };
    const id = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids: randomIds },
        { from: 'a@x.test', to: ['once@y.test'], raw: new Uint8Array([70, 13, 10]), purpose: 'once' },
      ),
    );
    const immediate = deliverNow(deps, id);
    for (;;) {
      const [row] = (await listOutgoingMail(db, {})).filter((e) => e.id === id);
      if (row?.status === 'sending') break;
      await new Promise((r) => setImmediate(r));
    }
    const worker = createWorker({
      db,
      clock,
      ids: randomIds,
      logger,
      jobs: [mailDeliverJob(deps) as never],
      concurrency: 4,
      leaseSeconds: 60,
      pollMs: 50,
      stopGraceSeconds: 1,
    });
    await worker.runOnce();
    release();
    await immediate;
    clock.advance(5_000);
    await worker.runOnce();
    const job = (await listJobs(db, {})).find((j) => JSON.stringify(j.payload).includes(id));
    assert.equal(job?.status, 'done');
    assert.equal(job?.attempts, 1, 'waiting for the other attempt is not an attempt');
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string; outboxId?: string });
    assert.deepEqual(
      records.filter((r) => r.level >= 40),
      [],
    );
    assert.equal(records.filter((r) => r.level === 30 && r.outboxId === id).length, 1);
  });
});
