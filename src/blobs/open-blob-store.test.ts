import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startS3Server } from '../../test/support/s3-server.js';
import { randomIds } from '../shared/ids.js';
import { openFsBlobStore } from './fs-store.js';
import { type BlobStoreSettings, describeBlobStore, openBlobStore } from './open-blob-store.js';
import type { BlobStore } from './types.js';

describe('opening the configured blob store', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  let dir: string;
  const opened: BlobStore[] = [];
  before(async () => {
    server = await startS3Server();
    dir = mkdtempSync(path.join(tmpdir(), 'paraphe-open-blobs-'));
  });
  after(async () => {
    for (const store of opened) await store.close?.();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(overrides: Partial<BlobStoreSettings> & { prefix: string }) {
    const { prefix, ...rest } = overrides;
    const settings: BlobStoreSettings = {
      dir: path.join(dir, prefix),
      store: 's3',
      hasFsFallback: false,
      s3: server.settings('path', { prefix: `${prefix}/` }),
      ...rest,
    };
    const store = await openBlobStore(settings, { ids: randomIds });
    opened.push(store);
    return { store, settings };
  }
  const bytesOf = (text: string) => new TextEncoder().encode(`${text} ${Math.random()}`);

  it('opens the filesystem store by default, and S3 alone when asked', async () => {
    const fs = await open({ prefix: 'a', store: 'fs' });
    const ref = await fs.store.put(bytesOf('on disk'));
    const onDisk = await openFsBlobStore({ root: fs.settings.dir, ids: randomIds });
    assert.equal(await onDisk.has(ref.sha256), true);

    const s3 = await open({ prefix: 'a' });
    assert.equal(await s3.store.has(ref.sha256), false, 'plain S3 does not read the disk');
    const inS3 = await s3.store.put(bytesOf('in s3'));
    assert.equal(await onDisk.has(inS3.sha256), false, 'plain S3 does not write the disk');
  });

  it('with the fallback, reads blobs not copied yet from the disk and writes both stores', async () => {
    const { store, settings } = await open({ prefix: 'b', hasFsFallback: true });
    const disk = await openFsBlobStore({ root: settings.dir, ids: randomIds });
    const s3 = await openBlobStore({ ...settings, hasFsFallback: false }, { ids: randomIds });
    opened.push(s3);

    const old = await disk.put(bytesOf('written before the move'));
    assert.equal(await store.has(old.sha256), true);
    assert.equal((await store.get(old.sha256)).byteLength, old.sizeBytes);

    const fresh = await store.put(bytesOf('written during the move'));
    const streamed = await store.putStream(Readable.from([Buffer.from(bytesOf('streamed during the move'))]));
    for (const ref of [fresh, streamed]) {
      assert.equal(await disk.has(ref.sha256), true, 'nodes still on the disk store must see it');
      assert.equal(await s3.has(ref.sha256), true);
    }
    await assert.rejects(store.get('f'.repeat(64)), { code: 'BLOB_NOT_FOUND' });
  });

  it('loads the AWS SDK only when S3 is chosen, so the default start stays light', () => {
    // A fresh process: this one has loaded the SDK already. The SDK is CommonJS, so whatever of it
    // was imported is in the require cache.
    const script = `
      import { createRequire } from 'node:module';
      import { randomIds } from './src/shared/ids.ts';
      const sdkModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@aws-sdk')).length;
      const { openBlobStore } = await import('./src/blobs/index.ts');
      await openBlobStore({ dir: process.argv[1], store: 'fs', hasFsFallback: false, s3: {} }, { ids: randomIds });
      const withFs = sdkModules();
      await import('./src/blobs/s3-store.ts');
      console.log(JSON.stringify({ withFs, withS3: sdkModules() }));`;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, path.join(dir, 'light')],
      { cwd: fileURLToPath(new URL('../../', import.meta.url)), encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    const counts = JSON.parse(child.stdout) as { withFs: number; withS3: number };
    assert.equal(counts.withFs, 0);
    assert.ok(counts.withS3 > 0, 'the probe must see the SDK once the S3 module is loaded');
  });

  it('says where blobs go for the start banner', async () => {
    const base = {
      dir: '/srv/data/blobs',
      hasFsFallback: false,
      s3: server.settings('path', { prefix: 'p/' }),
    };
    assert.equal(describeBlobStore({ ...base, store: 'fs' }), '/srv/data/blobs');
    const s3 = describeBlobStore({ ...base, store: 's3' });
    assert.match(s3, /^s3:\/\/paraphe-test\/p\/ at http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(
      describeBlobStore({ ...base, store: 's3', hasFsFallback: true }),
      `${s3}, falling back to /srv/data/blobs`,
    );
    assert.match(
      describeBlobStore({
        ...base,
        store: 's3',
        s3: { ...base.s3, endpoint: undefined, region: 'eu-west-3' },
      }),
      / at AWS eu-west-3$/,
    );
  });
});
