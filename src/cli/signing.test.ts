import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runParaphe } from '../../test/support/cli.js';
import { signingFixture } from '../../test/support/signing.js';
import { migrate, openPglite } from '../db/index.js';

/**
 * The operator's side of a seal that failed for good, through the real `paraphe` commands on an
 * embedded data dir prepared beforehand (two envelopes whose stored image cannot be stamped).
 */
describe('paraphe jobs list --failed / envelope cancel / envelope reseal on seal_failed', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cli-signing-'));
  const env = { PARAPHE_DATA_DIR: path.join(work, 'data'), PARAPHE_LOG_LEVEL: 'warn' };
  const ids: string[] = [];

  before(async () => {
    const db = await openPglite(path.join(env.PARAPHE_DATA_DIR, 'pglite'));
    await migrate(db);
    const fixture = await signingFixture({ db, blobsDir: path.join(env.PARAPHE_DATA_DIR, 'blobs') });
    for (const [key, phone] of [
      ['cancel-me', '+33612340021'],
      ['reseal-me', '+33612340022'],
    ] as const)
      ids.push((await fixture.signedWithUndecodableImage(key, phone)).envelopeId);
    await fixture.signingWorker().runOnce();
    await fixture.close();
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('lists the failed seal jobs with their code and envelope, cancels one and queues the other again', () => {
    const listed = runParaphe(['jobs', 'list', '--failed'], env);
    assert.equal(listed.status, 0, listed.stderr);
    for (const id of ids) assert.match(listed.stdout, new RegExp(`PDF_STAMP_IMAGE_INVALID: envelope ${id}`));
    const cancelled = runParaphe(['envelope', 'cancel', ids[0] as string], env);
    assert.equal(cancelled.status, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancelled; the sender will be told/);
    const resealed = runParaphe(['envelope', 'reseal', ids[1] as string], env);
    assert.equal(resealed.status, 0, resealed.stderr);
    assert.match(resealed.stdout, /seal job \S+ queued/);
  });
});
