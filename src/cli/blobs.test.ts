import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnParaphe } from '../../test/support/cli.js';
import { startS3Server } from '../../test/support/s3-server.js';
import { openFsBlobStore } from '../blobs/index.js';
import { openS3BlobStore } from '../blobs/s3-store.js';
import { randomIds } from '../shared/ids.js';

async function paraphe(args: string[], env: NodeJS.ProcessEnv) {
  const run = spawnParaphe(args, env);
  const status = await run.exited;
  return { status, ...run.output() };
}

describe('paraphe blobs migrate', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  let dataDir: string;
  before(async () => {
    server = await startS3Server();
    dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-blobs-cli-'));
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies the data folder blobs into the bucket, then finds them there on a second run', async () => {
    const disk = await openFsBlobStore({ root: path.join(dataDir, 'blobs'), ids: randomIds });
    const refs = await Promise.all([1, 2, 3].map((i) => disk.put(new TextEncoder().encode(`pdf ${i}`))));
    const settings = server.settings('path', { prefix: 'cli/' });
    const env = {
      PARAPHE_DATA_DIR: dataDir,
      PARAPHE_LOG_LEVEL: 'silent',
      PARAPHE_BLOB_STORE: 's3',
      PARAPHE_S3_BUCKET: settings.bucket,
      PARAPHE_S3_PREFIX: 'cli',
      PARAPHE_S3_ENDPOINT: settings.endpoint,
      PARAPHE_S3_FORCE_PATH_STYLE: '1',
      PARAPHE_S3_ACCESS_KEY_ID: 'S3RVER',
      PARAPHE_S3_SECRET_ACCESS_KEY: 'S3RVER',
    };
    const first = await paraphe(['blobs', 'migrate'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /found:\s+3\n/);
    assert.match(first.stdout, /copied:\s+3 /);
    assert.match(first.stdout, /failed:\s+0\n/);
    assert.doesNotMatch(first.stderr, /NodeVersionSupportWarning/);

    const s3 = await openS3BlobStore({ settings, ids: randomIds });
    for (const ref of refs) assert.equal(await s3.has(ref.sha256), true);
    await s3.close();

    const second = await paraphe(['blobs', 'migrate'], env);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /copied:\s+0 /);
    assert.match(second.stdout, /already there:\s+3\n/);
  });

  it('refuses to run without an S3 store configured', async () => {
    const run = await paraphe(['blobs', 'migrate'], {
      PARAPHE_DATA_DIR: dataDir,
      PARAPHE_LOG_LEVEL: 'silent',
    });
    assert.equal(run.status, 78);
    assert.match(run.stderr, /PARAPHE_BLOB_STORE: set it to s3/);
  });
});
