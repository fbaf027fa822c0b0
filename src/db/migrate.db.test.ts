import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../test/support/db.js';
import { listMigrations, migrate } from './migrate.js';
import type { Db } from './types.js';

describe(`migrations (${testEngine})`, () => {
  let db: Db;
  before(async () => {
    db = await freshDb({ migrate: false });
  });
  after(async () => {
    await db.close();
  });

  it('applies every numbered migration once, in order, even when two processes start together', async () => {
    const all = listMigrations();
    assert.ok(all.length > 0);
    assert.deepEqual(
      all.map((m) => m.version),
      [...all.map((m) => m.version)].sort((a, b) => a - b),
    );
    const [first, second] = await Promise.all([migrate(db), migrate(db)]);
    // One call applied everything, the other found nothing left to do.
    assert.deepEqual(
      [...(first ?? []), ...(second ?? [])].sort((a, b) => a - b),
      all.map((m) => m.version),
    );
    const { rows } = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      all.map((m) => m.version),
    );
    assert.deepEqual(await migrate(db), []);
  });

  it('leaves a usable schema: the tables the foundation relies on exist', async () => {
    const { rows } = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const names = rows.map((r) => r.table_name);
    for (const table of [
      'accounts',
      'mailboxes',
      'jobs',
      'job_schedules',
      'audit_events',
      'dev_mail',
      'dev_sms',
    ])
      assert.ok(names.includes(table), `missing table ${table}`);
  });

  it('rolls back a migration that fails, leaving nothing half-applied', async () => {
    const broken = [
      ...listMigrations(),
      { version: 9998, name: 'ok_part', sql: 'CREATE TABLE half_applied (id int)' },
      { version: 9999, name: 'broken', sql: 'CREATE TABLE nope (id int REFERENCES missing_table (id))' },
    ];
    await assert.rejects(migrate(db, broken));
    const { rows } = await db.query(
      `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_applied'`,
    );
    assert.equal(rows.length, 0);
    const versions = await db.query('SELECT 1 FROM schema_migrations WHERE version >= 9998');
    assert.equal(versions.rows.length, 0);
  });
});
