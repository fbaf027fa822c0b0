import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { blobKey, SHA256_HEX, sha256Hex } from './blob-id.js';
import type { BlobStore } from './types.js';

const HEX2 = /^[0-9a-f]{2}$/;

export interface BlobMigrationReport {
  /** Blobs found in the filesystem store. */
  found: number;
  /** Copied in this run, each read back from the target and checked. */
  copied: number;
  /** Already in the target (an earlier, possibly interrupted, run): left alone. */
  alreadyThere: number;
  failed: Array<{ sha256: string; reason: string }>;
}

/** Every blob file under `root/ab/cd/`, named by its hash; `tmp/` and strays are not blobs. */
async function* blobsUnder(root: string): AsyncGenerator<string> {
  const names = async (dir: string) => (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort();
  for (const first of await names(root)) {
    if (!first.isDirectory() || !HEX2.test(first.name)) continue;
    for (const second of await names(path.join(root, first.name))) {
      if (!second.isDirectory() || !HEX2.test(second.name)) continue;
      for (const file of await names(path.join(root, first.name, second.name))) {
        const prefix = first.name + second.name;
        if (file.isFile() && SHA256_HEX.test(file.name) && file.name.startsWith(prefix)) yield file.name;
      }
    }
  }
}

/**
 * Copies every blob of the filesystem store at `fsRoot` into `target` (S3). Idempotent and so
 * resumable: blobs already in the target are skipped, and an object appears there only whole.
 * A source blob that no longer matches its hash is reported, never copied. Reads the files
 * without opening the filesystem store, whose start-up sweep would remove a running node's writes.
 */
export async function migrateBlobs(options: {
  fsRoot: string;
  target: BlobStore;
  concurrency?: number;
  onProgress?: (report: BlobMigrationReport) => void;
}): Promise<BlobMigrationReport> {
  const report: BlobMigrationReport = { found: 0, copied: 0, alreadyThere: 0, failed: [] };
  const pending = blobsUnder(options.fsRoot);

  async function copy(sha: string): Promise<void> {
    if (await options.target.has(sha)) {
      report.alreadyThere += 1;
      return;
    }
    const file = path.join(options.fsRoot, blobKey(sha));
    const bytes = await readFile(file);
    const actual = sha256Hex(bytes);
    if (actual !== sha) throw new Error(`the file hashes to ${actual}: left out`);
    await options.target.put(bytes);
    // The target checks the hash on read: a blob that reads back is a good copy.
    await options.target.get(sha);
    report.copied += 1;
  }

  // Workers share one walk of the folders; an async generator hands each entry to one of them.
  async function worker(): Promise<void> {
    for (;;) {
      const next = await pending.next();
      if (next.done) return;
      report.found += 1;
      try {
        await copy(next.value);
      } catch (error) {
        report.failed.push({ sha256: next.value, reason: (error as Error).message });
      }
      options.onProgress?.(report);
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return report;
}
