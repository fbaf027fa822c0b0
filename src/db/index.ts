import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

export { lockEmbeddedDb } from './lock.js';
export { listMigrations, migrate } from './migrate.js';
export { openPglite } from './pglite.js';
export { openPostgres } from './postgres.js';
export type { Db, Queryable, QueryResult } from './types.js';

/** A Postgres server when `url` is set, else embedded PGlite in `pglitePath`. */
export function openDb(options: {
  url?: string | undefined;
  pglitePath: string;
  poolSize: number;
}): Promise<Db> {
  return options.url
    ? openPostgres({ url: options.url, poolSize: options.poolSize })
    : openPglite(options.pglitePath);
}
