import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { lockEmbeddedDb } from './lock.js';
import { openPglite } from './pglite.js';

describe('embedded database folder', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'paraphe-dbdir-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

  it('creates the data folder and the PGlite folder for the service only (0700)', async () => {
    const dataDir = path.join(root, 'data');
    const pglitePath = path.join(dataDir, 'pglite');
    const unlock = lockEmbeddedDb(pglitePath);
    try {
      assert.equal(mode(dataDir), '700');
      assert.equal(mode(pglitePath), '700');
    } finally {
      unlock();
    }
  });

  it('creates a PGlite folder opened without the lock 0700 as well', async () => {
    const pglitePath = path.join(root, 'other', 'pglite');
    const db = await openPglite(pglitePath);
    await db.close();
    assert.equal(mode(path.dirname(pglitePath)), '700');
    assert.equal(mode(pglitePath), '700');
  });
});
