import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../../test/support/db.js';
import { silentLogger } from '../../../test/support/logger.js';
import { testOutboxDeps } from '../../../test/support/outbox.js';
import { type BlobStore, openFsBlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { createWorker } from '../../jobs/index.js';
import { manualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { storeDevMail } from './dev-mailbox.js';
import { enqueueOutgoingMail } from './enqueue-outgoing-mail.js';
import { deliverOutgoingMail, listOutgoingMail } from './outbox.js';
import { mailPurgeJob, mailPurgeSchedule } from './purge-outbox.js';
import type { MailTransport } from './types.js';

const DAY_MS = 86_400_000;

describe(`outbox purge (${testEngine})`, () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
  const accepting: MailTransport = { name: 'relay', async send() {}, async close() {} };
  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-purge-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const queue = async (to: string, options: { isDelivered: boolean }) => {
    const raw = new TextEncoder().encode(
      `To: ${to}\r\nSubject: x\r\n\r\nhttps://sign.test/s/secret-${to}\r\n`,
    );
    const id = await db.transaction((tx) =>
      enqueueOutgoingMail(
        tx,
        { blobs, clock, ids: randomIds },
        { from: 'a@x.test', to: [to], raw, purpose: 'turn' },
      ),
    );
    if (options.isDelivered)
      await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport: accepting }), id);
    const [row] = await db
      .query<{ raw_sha256: string }>('SELECT raw_sha256 FROM mail_outbox WHERE id = $1', [id])
      .then((r) => r.rows);
    return { id, raw, sha: row?.raw_sha256 ?? '' };
  };

  it('deletes delivered bodies once their retention has passed, from the hourly job, and keeps the rows', async () => {
    const old = await queue('old@y.test', { isDelivered: true });
    const shown = await queue('shown@y.test', { isDelivered: true });
    // The dev mailbox shows the same bytes: its blob must survive the outbox's purge.
    await storeDevMail(
      db,
      { blobs, clock, ids: randomIds },
      { from: 'a@x.test', to: ['shown@y.test'], raw: shown.raw },
    );
    const waiting = await queue('waiting@y.test', { isDelivered: false });
    clock.advance(3 * DAY_MS);
    const recent = await queue('recent@y.test', { isDelivered: true });

    // Only the purge runs here: the delivery jobs of these rows are not this test's business.
    await db.query(`DELETE FROM jobs WHERE kind = 'mail.deliver'`);
    const worker = createWorker({
      db,
      clock,
      ids: randomIds,
      logger: silentLogger,
      jobs: [mailPurgeJob({ db, blobs, clock }, { keepDays: 7 })],
      schedules: [mailPurgeSchedule],
      concurrency: 20,
      leaseSeconds: 60,
      pollMs: 50,
      stopGraceSeconds: 1,
    });
    await worker.runOnce();
    assert.equal(await blobs.has(old.sha), true, 'three days old: kept');

    clock.advance(4 * DAY_MS + 1000);
    await worker.runOnce();
    assert.equal(await blobs.has(old.sha), false, 'seven days after delivery: gone');
    assert.equal(await blobs.has(shown.sha), true, 'still shown in the dev mailbox');
    assert.equal(await blobs.has(waiting.sha), true, 'never delivered: kept for the next attempt');
    assert.equal(await blobs.has(recent.sha), true, 'delivered four days ago: kept');
    const rows = await listOutgoingMail(db, {});
    assert.equal(rows.find((r) => r.id === old.id)?.status, 'sent', 'the row stays for operators');
    const purged = await db.query<{ id: string; raw_sha256: string | null }>(
      'SELECT id, raw_sha256 FROM mail_outbox WHERE body_purged_at IS NOT NULL ORDER BY id',
    );
    assert.deepEqual(purged.rows.map((r) => r.id).sort(), [old.id, shown.id].sort());
    assert.ok(purged.rows.every((r) => r.raw_sha256 === null));

    // A purge that finds nothing more is harmless, and the waiting message still goes out.
    clock.advance(3600_000);
    await worker.runOnce();
    assert.equal(
      await deliverOutgoingMail(testOutboxDeps({ db, blobs, clock, transport: accepting }), waiting.id),
      'sent',
    );
  });
});
