import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startS3Server } from '../../test/support/s3-server.js';
import { randomIds } from '../shared/ids.js';
import { openFsBlobStore } from './fs-store.js';
import { migrateBlobs } from './migrate-blobs.js';
import { openS3BlobStore, type S3BlobStore } from './s3-store.js';

describe('migrating a filesystem store into S3', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  let root: string;
  const opened: S3BlobStore[] = [];
  before(async () => {
    server = await startS3Server();
    root = mkdtempSync(path.join(tmpdir(), 'paraphe-migrate-'));
  });
  after(async () => {
    for (const store of opened) await store.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function target(prefix: string) {
    const store = await openS3BlobStore({ settings: server.settings('path', { prefix }), ids: randomIds });
    opened.push(store);
    return store;
  }

  it('copies every blob once, skips what is there on the next run, and reports counts', async () => {
    const fsRoot = path.join(root, 'whole');
    const disk = await openFsBlobStore({ root: fsRoot, ids: randomIds });
    const refs = await Promise.all(
      Array.from({ length: 12 }, (_, i) => disk.put(new TextEncoder().encode(`document ${i}`))),
    );
    // Not blobs: an interrupted write and a stray file.
    writeFileSync(path.join(fsRoot, 'tmp', 'x.part'), 'half');
    writeFileSync(path.join(fsRoot, 'README'), 'notes');
    const s3 = await target('whole/');

    const first = await migrateBlobs({ fsRoot, target: s3, concurrency: 3 });
    assert.deepEqual(first, { found: 12, copied: 12, alreadyThere: 0, failed: [] });
    for (const ref of refs) assert.equal(await s3.has(ref.sha256), true);

    const again = await migrateBlobs({ fsRoot, target: s3 });
    assert.deepEqual(again, { found: 12, copied: 0, alreadyThere: 12, failed: [] });
  });

  it('resumes after an interrupted run and leaves out a blob damaged on disk', async () => {
    const fsRoot = path.join(root, 'resume');
    const disk = await openFsBlobStore({ root: fsRoot, ids: randomIds });
    const refs = await Promise.all(
      Array.from({ length: 5 }, (_, i) => disk.put(new TextEncoder().encode(`contract ${i}`))),
    );
    const s3 = await target('resume/');
    // The first run got two across before it stopped.
    for (const ref of refs.slice(0, 2)) await s3.put(await disk.get(ref.sha256));
    const damaged = refs[4]?.sha256 ?? '';
    const damagedPath = path.join(fsRoot, damaged.slice(0, 2), damaged.slice(2, 4), damaged);
    mkdirSync(path.dirname(damagedPath), { recursive: true });
    writeFileSync(damagedPath, 'bit rot');

    const report = await migrateBlobs({ fsRoot, target: s3 });
    assert.equal(report.found, 5);
    assert.equal(report.alreadyThere, 2);
    assert.equal(report.copied, 2);
    assert.deepEqual(
      report.failed.map((f) => f.sha256),
      [damaged],
    );
    assert.match(report.failed[0]?.reason ?? '', /hashes to/);
    assert.equal(await s3.has(damaged), false, 'a damaged blob must not reach S3');
  });
});
