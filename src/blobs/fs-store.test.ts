import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
