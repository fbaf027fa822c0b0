import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openS3BlobStore } from '../../src/blobs/s3-store.js';
import { randomIds } from '../../src/shared/ids.js';
import { spawnParaphe } from '../support/cli.js';
import { makeTestPdf } from '../support/make-pdf.js';
import { startS3Server } from '../support/s3-server.js';
import { waitFor } from '../support/wait.js';
import { type RunningParaphe, startParaphe, waitForMail } from './signing-support.js';

/** Blob files (not temporary ones) under a filesystem store's root. */
function blobFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== 'tmp')) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else found.push(entry.name);
    }
  };
  walk(root);
  return found;
}

describe('paraphe start with its blobs in S3', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  let svc: RunningParaphe;
  before(async () => {
    server = await startS3Server();
    const settings = server.settings('path');
    svc = await startParaphe({
      PARAPHE_BLOB_STORE: 's3',
      PARAPHE_S3_BUCKET: settings.bucket,
      PARAPHE_S3_PREFIX: 'e2e',
      PARAPHE_S3_ENDPOINT: settings.endpoint,
      PARAPHE_S3_FORCE_PATH_STYLE: '1',
      PARAPHE_S3_ACCESS_KEY_ID: 'S3RVER',
      PARAPHE_S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  });
  after(async () => {
    await svc?.stop();
    await server?.close();
  });

  it('keeps a request’s PDF in the bucket, none on the disk, and is not ready without the bucket', async () => {
    const ready = await fetch(`${svc.web}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { database: 'ok', blobs: 'ok' });

    const pdf = await makeTestPdf({ pages: 1, title: 'Bail S3' });
    const pdfPath = path.join(svc.dir, 'bail.pdf');
    writeFileSync(pdfPath, pdf);
    // Not sendSignRequest: its spawnSync would block this process, and with it the S3 server the
    // service is waiting on.
    const send = spawnParaphe(
      [
        'send',
        '--from',
        'demo@paraphe.test',
        '--to',
        'alice@example.fr',
        '--subject',
        'Bail *SIGN',
        '--attach',
        pdfPath,
      ],
      svc.env,
    );
    assert.equal(await send.exited, 0, send.output().stderr);
    await waitForMail(svc, 'alice@example.fr', /Bail/);

    const s3 = await openS3BlobStore({
      settings: server.settings('path', { prefix: 'e2e/' }),
      ids: randomIds,
    });
    try {
      const sha = createHash('sha256').update(pdf).digest('hex');
      assert.equal(await s3.has(sha), true, 'the PDF must be in the bucket');
    } finally {
      await s3.close();
    }
    const dataDir = String(svc.env.PARAPHE_DATA_DIR);
    const onDisk = readdirSync(dataDir).includes('blobs') ? blobFiles(path.join(dataDir, 'blobs')) : [];
    assert.deepEqual(onDisk, [], 'without the fallback nothing is written to the disk store');

    await server.close();
    await waitFor(async () => (await fetch(`${svc.web}/readyz`)).status === 503, {
      timeoutMs: 30_000,
      what: 'readiness to fail with the bucket gone',
    });
  });
});
