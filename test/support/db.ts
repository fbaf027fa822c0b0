import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, migrate, openPglite, openPostgres } from '../../src/db/index.js';

/**
 * A fresh, migrated database for one test file. On PGlite (default) an in-memory instance; when
 * PARAPHE_TEST_DATABASE_URL names a Postgres server (the test command sets it for its second pass),
 * a new database created on that server and dropped by `close()`.
 */
export async function freshDb(options: { migrate?: boolean } = {}): Promise<Db> {
  const shouldMigrate = options.migrate !== false;
  const adminUrl = process.env.PARAPHE_TEST_DATABASE_URL;
  if (!adminUrl) {
    const db = await openPglite(undefined);
    if (shouldMigrate) await migrate(db);
    return db;
  }
  const name = `paraphe_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres({ url: url.toString(), poolSize: 10 });
  if (shouldMigrate) await migrate(db);
  const close = db.close.bind(db);
  return {
    ...db,
    async close() {
      await close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** The engine the suite runs on, for test names. */
export const testEngine = process.env.PARAPHE_TEST_DATABASE_URL ? 'postgres' : 'pglite';
