import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './types.js';

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/**
 * Embedded Postgres (WASM) in a folder of the data dir, or in memory when `dataPath` is undefined.
 * One process owns the folder: several `paraphe` processes need a Postgres server.
 */
export async function openPglite(dataPath: string | undefined): Promise<Db> {
  if (dataPath) mkdirSync(dataPath, { recursive: true });
  const pg = new PGlite(dataPath);
  await pg.waitReady;
  const base = wrap(pg);
  let isClosed = false;
  return {
    engine: 'pglite',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async ping() {
      if (isClosed) throw new Error('database is closed');
      await pg.query('SELECT 1');
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await pg.close();
    },
  };
}
