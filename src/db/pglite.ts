import { mkdirSync } from 'node:fs';
import { PGlite, parse, protocol } from '@electric-sql/pglite';
import pg from 'pg';
import type { Db, QueryResult } from './types.js';

const wire = protocol.serialize;
// The driver's own value encoder; @types/pg leaves `utils` out.
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Parameters as text, the way the `pg` driver sends them to a Postgres server, so both engines
 * receive the same values and let the server infer the types.
 */
function toText(value: unknown): string | null {
  const prepared = prepareValue(value);
  if (prepared !== null && typeof prepared !== 'string')
    throw new TypeError('binary query parameters are not supported');
  return prepared;
}

/**
 * One parameterised statement in a single exchange with the WASM backend (parse, bind, describe,
 * execute, sync). PGlite's own `query` makes five exchanges, the first only to learn the parameter
 * types; on the signer's hot paths that overhead was most of the database time.
 */
async function runStatement<Row>(
  pglite: PGlite,
  sql: string,
  params: readonly unknown[],
): Promise<QueryResult<Row>> {
  const message = concat([
    wire.parse({ text: sql, types: [] }),
    wire.bind({ values: params.map(toText) }),
    wire.describe({ type: 'P' }),
    wire.execute({}),
    wire.sync(),
  ]);
  const { messages } = await pglite.execProtocol(message);
  const result = parse.parseResults(messages, pglite.parsers)[0];
  const rows = (result?.rows ?? []) as Row[];
  return { rows, rowCount: result?.affectedRows ?? rows.length };
}

/**
 * Embedded Postgres (WASM) in a folder of the data dir, or in memory when `dataPath` is undefined.
 * One process owns the folder: several `paraphe` processes need a Postgres server.
 */
export async function openPglite(dataPath: string | undefined): Promise<Db> {
  if (dataPath) mkdirSync(dataPath, { recursive: true });
  const pglite = new PGlite(dataPath);
  await pglite.waitReady;
  let isClosed = false;
  // The same locks PGlite's own `query` takes: outside a transaction a statement waits for any
  // open one to finish; inside, the transaction already holds the outer lock.
  const statement = <Row>(sql: string, params: readonly unknown[]) =>
    pglite._runExclusiveQuery(() => runStatement<Row>(pglite, sql, params));
  return {
    engine: 'pglite',
    query: <Row>(sql: string, params: readonly unknown[] = []) =>
      pglite._runExclusiveTransaction(() => statement<Row>(sql, params)),
    async exec(sql: string) {
      await pglite.exec(sql);
    },
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          query: <Row>(sql: string, params: readonly unknown[] = []) => statement<Row>(sql, params),
          async exec(sql: string) {
            await tx.exec(sql);
          },
        }),
      ),
    async ping() {
      if (isClosed) throw new Error('database is closed');
      await pglite.query('SELECT 1');
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await pglite.close();
    },
  };
}
