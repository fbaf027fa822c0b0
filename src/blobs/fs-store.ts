import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../shared/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../shared/file-modes.js';
import type { Ids } from '../shared/ids.js';
import { blobKey, checkedBlob, SHA256_HEX, sha256Hex } from './blob-id.js';
import type { BlobRef, BlobStore } from './types.js';

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Blobs as files named by their SHA-256 under `root/ab/cd/`. A write goes to a temporary file in
 * `root/tmp`, is fsynced, then renamed into place (and the folder fsynced): a crash leaves either
 * the whole blob or nothing under its name. Leftover temporary files are removed at open.
 */
export async function openFsBlobStore(options: { root: string; ids: Ids }): Promise<BlobStore> {
  const { root, ids } = options;
  const tmpDir = path.join(root, 'tmp');
  await mkdir(tmpDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const leftover of await readdir(tmpDir)) await rm(path.join(tmpDir, leftover), { force: true });

  const finalPath = (sha: string) => path.join(root, blobKey(sha));

  async function commit(tmpPath: string, sha: string, sizeBytes: number): Promise<BlobRef> {
    const target = finalPath(sha);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await rename(tmpPath, target);
    await fsyncPath(dir);
    return { sha256: sha, sizeBytes };
  }

  async function writeTmp(write: (tmpPath: string) => Promise<{ sha: string; sizeBytes: number }>) {
    const tmpPath = path.join(tmpDir, `${ids.uuid()}.part`);
    try {
      const { sha, sizeBytes } = await write(tmpPath);
      return await commit(tmpPath, sha, sizeBytes);
    } catch (error) {
      await rm(tmpPath, { force: true });
      if (error instanceof AppError) throw error;
      throw new AppError('BLOB_UNAVAILABLE', `blob write failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  return {
    put: (bytes) =>
      writeTmp(async (tmpPath) => {
        const handle = await open(tmpPath, 'wx', PRIVATE_FILE_MODE);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        return { sha: sha256Hex(bytes), sizeBytes: bytes.byteLength };
      }),

    putStream: (stream: Readable) =>
      writeTmp(async (tmpPath) => {
        const hash = createHash('sha256');
        let sizeBytes = 0;
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          sizeBytes += chunk.length;
        });
        const out = createWriteStream(tmpPath, { flags: 'wx', mode: PRIVATE_FILE_MODE });
        try {
          await pipeline(stream, out);
        } finally {
          // A source failing early rejects before the file has even opened; wait for it to close,
          // or the clean-up would run first and the file would appear after it.
          if (!out.closed) await once(out, 'close');
        }
        await fsyncPath(tmpPath);
        return { sha: hash.digest('hex'), sizeBytes };
      }),

    async get(sha) {
      if (!SHA256_HEX.test(sha)) throw new AppError('BLOB_NOT_FOUND', `not a blob id: ${sha}`);
      let bytes: Buffer;
      try {
        bytes = await readFile(finalPath(sha));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new AppError('BLOB_NOT_FOUND', `no blob ${sha}`, { cause: error });
        throw new AppError('BLOB_UNAVAILABLE', `cannot read blob ${sha}`, { cause: error });
      }
      checkedBlob(sha, bytes);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },

    async has(sha) {
      if (!SHA256_HEX.test(sha)) return false;
      return stat(finalPath(sha)).then(
        () => true,
        () => false,
      );
    },

    async delete(sha) {
      if (!SHA256_HEX.test(sha)) return;
      try {
        await rm(finalPath(sha), { force: true });
      } catch (error) {
        throw new AppError('BLOB_UNAVAILABLE', `cannot delete blob ${sha}`, { cause: error });
      }
    },
    async ping() {
      const probe = path.join(tmpDir, `${ids.uuid()}.ping`);
      const handle = await open(probe, 'wx');
      await handle.close();
      await rm(probe, { force: true });
    },
  };
}
