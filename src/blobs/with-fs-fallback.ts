import { PassThrough } from 'node:stream';
import { AppError } from '../shared/errors.js';
import type { BlobStore } from './types.js';

/**
 * The store during a move from the filesystem to S3: every write goes to both (so nodes still on
 * the filesystem store see it), reads try S3 first and fall back to the filesystem for blobs not
 * copied yet. Once `paraphe blobs migrate` reports every blob copied, the fallback can go.
 */
export function withFsFallback(primary: BlobStore, fallback: BlobStore): BlobStore {
  return {
    async put(bytes) {
      const [ref] = await Promise.all([primary.put(bytes), fallback.put(bytes)]);
      return ref;
    },
    async putStream(stream) {
      // One pass over the source into both stores; pipe() pauses it while either one is behind.
      const copies = [new PassThrough(), new PassThrough()] as const;
      for (const copy of copies) stream.pipe(copy);
      stream.once('error', (error) => {
        for (const copy of copies) copy.destroy(error);
      });
      const [ref] = await Promise.all([primary.putStream(copies[0]), fallback.putStream(copies[1])]);
      return ref;
    },
    async get(sha) {
      try {
        return await primary.get(sha);
      } catch (error) {
        if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return fallback.get(sha);
        throw error;
      }
    },
    async has(sha) {
      return (await primary.has(sha)) || (await fallback.has(sha));
    },
    async delete(sha) {
      // Both copies go: a blob left on one side would come back through the fallback read.
      await Promise.all([primary.delete(sha), fallback.delete(sha)]);
    },
    async ping() {
      await Promise.all([primary.ping(), fallback.ping()]);
    },
    async close() {
      await Promise.all([primary.close?.(), fallback.close?.()]);
    },
  };
}
