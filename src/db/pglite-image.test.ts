import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listMigrations, migrate } from './migrate.js';
import { openPglite, pgliteDb } from './pglite.js';
import { writePgliteImage } from './pglite-image.js';

describe('PGlite image made at build time', () => {
  let dir: string;
  let image: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'paraphe-pglite-image-'));
    image = path.join(dir, 'image.tgz');
    // Made with every migration but the last, so opening must still migrate the rest.
    const migrations = listMigrations();
    await writePgliteImage(image, (pglite) =>
      migrate(pgliteDb(pglite), migrations.slice(0, -1)).then(() => {}),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a fresh folder from the image, then migrates what the image lacks', async () => {
    const folder = path.join(dir, 'fresh');
    const db = await openPglite(folder, { imagePath: image });
    try {
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(before.rows[0]?.n, listMigrations().length - 1);
      assert.deepEqual(await migrate(db), [listMigrations().at(-1)?.version]);
      await db.query('CREATE TABLE probe (x int)');
      await db.query('INSERT INTO probe VALUES (1)');
    } finally {
      await db.close();
    }
    assert.ok(existsSync(path.join(folder, 'PG_VERSION')));
    // Reopened, the folder's own data is kept: the image is never loaded over a database.
    const again = await openPglite(folder, { imagePath: image });
    try {
      const { rows } = await again.query<{ x: number }>('SELECT x FROM probe');
      assert.deepEqual(rows, [{ x: 1 }]);
    } finally {
      await again.close();
    }
  });

  it('initialises the slow way when the image is missing or damaged', async () => {
    const damaged = path.join(dir, 'damaged.tgz');
    writeFileSync(damaged, 'not a tarball');
    for (const imagePath of [path.join(dir, 'missing.tgz'), damaged]) {
      const db = await openPglite(path.join(dir, `slow-${path.basename(imagePath)}`), { imagePath });
      try {
        assert.deepEqual(
          await migrate(db),
          listMigrations().map((m) => m.version),
        );
      } finally {
        await db.close();
      }
    }
  });
});
