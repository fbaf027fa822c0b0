// Benchmark: put/get throughput of the filesystem blob store and of the S3 store (against s3rver on
// loopback), side by side in one run, for a typical document (200 KB) and a large one (20 MB, which
// goes up in multipart). s3rver writes to the same disk, so the ratio is the cost of the S3 path
// (SDK, HTTP, signing, MD5, spool) — a real store adds its network round trips on top.
// Usage: npx tsx bench/blobs.ts [--rounds N]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BlobStore, openFsBlobStore } from '../src/blobs/index.js';
import { openS3BlobStore } from '../src/blobs/s3-store.js';
import { randomIds } from '../src/shared/ids.js';
import { startS3Server } from '../test/support/s3-server.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const cases = [
  { label: '200 KB', sizeBytes: 200 * 1024, count: 40 },
  { label: '20 MB', sizeBytes: 20 * 1024 * 1024, count: 3 },
];

interface Sample {
  putSeconds: number;
  getSeconds: number;
  bytes: number;
}

/** Puts `count` distinct blobs one after the other, then reads each back (hash-checked). */
async function measure(store: BlobStore, sizeBytes: number, count: number): Promise<Sample> {
  const blobs = Array.from({ length: count }, () => randomBytes(sizeBytes));
  let started = performance.now();
  const refs = [];
  for (const bytes of blobs) refs.push(await store.put(bytes));
  const putSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  for (const ref of refs) await store.get(ref.sha256);
  const getSeconds = (performance.now() - started) / 1000;
  return { putSeconds, getSeconds, bytes: sizeBytes * count };
}

const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-bench-blobs-'));
const server = await startS3Server();
const fs = await openFsBlobStore({ root: path.join(dir, 'fs'), ids: randomIds });
const s3 = await openS3BlobStore({
  settings: server.settings('path', { partSizeBytes: 16 * 1024 * 1024 }),
  ids: randomIds,
});
const mbps = (bytes: number, seconds: number) => bytes / 1024 / 1024 / seconds;
try {
  for (const { label, sizeBytes, count } of cases) {
    const totals = { fs: { put: 0, get: 0, bytes: 0 }, s3: { put: 0, get: 0, bytes: 0 } };
    // Alternate the stores round by round, so a slow moment of the machine hits both alike.
    for (let round = 0; round < rounds; round++) {
      for (const [name, store] of [
        ['fs', fs],
        ['s3', s3],
      ] as const) {
        const sample = await measure(store, sizeBytes, count);
        totals[name].put += sample.putSeconds;
        totals[name].get += sample.getSeconds;
        totals[name].bytes += sample.bytes;
      }
    }
    const put = { fs: mbps(totals.fs.bytes, totals.fs.put), s3: mbps(totals.s3.bytes, totals.s3.put) };
    const get = { fs: mbps(totals.fs.bytes, totals.fs.get), s3: mbps(totals.s3.bytes, totals.s3.get) };
    const blobsPerSecond = (mb: number) => (mb * 1024 * 1024) / sizeBytes;
    console.log(
      `${label} × ${count * rounds}: put fs ${put.fs.toFixed(1)} MB/s (${blobsPerSecond(put.fs).toFixed(0)}/s), ` +
        `s3 ${put.s3.toFixed(1)} MB/s (${blobsPerSecond(put.s3).toFixed(0)}/s) → s3 at ${(put.s3 / put.fs).toFixed(2)}x of fs; ` +
        `get fs ${get.fs.toFixed(1)} MB/s, s3 ${get.s3.toFixed(1)} MB/s → ${(get.s3 / get.fs).toFixed(2)}x`,
    );
  }
} finally {
  await s3.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
