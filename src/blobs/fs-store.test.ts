import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { blobStoreContract } from '../../test/support/blob-store-contract.js';
import { waitFor } from '../../test/support/wait.js';
import { randomIds } from '../shared/ids.js';
import { openFsBlobStore } from './fs-store.js';

describe('filesystem blob store', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'paraphe-blobs-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  blobStoreContract(
    async () => ({
      store: await openFsBlobStore({ root, ids: randomIds }),
      tamper: async (sha, bytes) =>
        writeFileSync(path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha), bytes),
      leftovers: async () => readdirSync(path.join(root, 'tmp')),
    }),
    { largeBytes: 10 * 1024 * 1024 },
  );

  it('creates blob files readable by the service only (0600), in folders only it may enter (0700)', async () => {
    const dataDir = path.join(root, 'modes', 'data');
    const store = await openFsBlobStore({ root: path.join(dataDir, 'blobs'), ids: randomIds });
    const put = await store.put(new TextEncoder().encode('lien de signature'));
    const streamed = await store.putStream(Readable.from([Buffer.from('un autre lien')]));
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    for (const ref of [put, streamed]) {
      const file = path.join(dataDir, 'blobs', ref.sha256.slice(0, 2), ref.sha256.slice(2, 4), ref.sha256);
      assert.equal(mode(file), '600', file);
      assert.equal(mode(path.dirname(file)), '700');
      assert.equal(mode(path.dirname(path.dirname(file))), '700');
    }
    for (const folder of [dataDir, path.join(dataDir, 'blobs'), path.join(dataDir, 'blobs', 'tmp')])
      assert.equal(mode(folder), '700', folder);
    // Gone means gone, and deleting twice is no error.
    await store.delete(put.sha256);
    await store.delete(put.sha256);
    assert.equal(await store.has(put.sha256), false);
    assert.equal(await store.has(streamed.sha256), true);
  });

  it('leaves no blob and no temporary file when the source stream fails midway', async () => {
    const store = await openFsBlobStore({ root, ids: randomIds });
    async function* failing() {
      yield Buffer.alloc(1024, 1);
      throw new Error('connection reset');
    }
    await assert.rejects(store.putStream(Readable.from(failing())), { code: 'BLOB_UNAVAILABLE' });
    assert.deepEqual(readdirSync(path.join(root, 'tmp')), []);
  });

  it('leaves no partial blob when the process dies during a write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-blobs-kill-'));
    try {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('../../test/support/blob-writer-child.ts', import.meta.url)),
          dir,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      // The child reports the hash it is writing once half of it is on disk, then we kill it.
      const expected = await waitFor(() => output.match(/writing ([0-9a-f]{64})/)?.[1], {
        what: 'child writing',
      });
      child.kill('SIGKILL');
      await exited;
      const finalPath = path.join(dir, expected.slice(0, 2), expected.slice(2, 4), expected);
      assert.equal(existsSync(finalPath), false, 'a partial blob was left under its final name');
      assert.ok(
        readdirSync(path.join(dir, 'tmp')).length > 0,
        'the interrupted write should have left a temporary file',
      );
      // Opening the store again sweeps the leftover temporary file.
      const store = await openFsBlobStore({ root: dir, ids: randomIds });
      assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
      assert.equal(await store.has(expected), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
