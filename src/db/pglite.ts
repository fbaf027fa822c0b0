import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite, parse, protocol } from '@electric-sql/pglite';
import pg from 'pg';
import { PRIVATE_DIR_MODE } from '../shared/file-modes.js';
import { defaultPgliteImagePath, imageFor } from './pglite-image.js';
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

/** Beyond this many distinct statements, new ones are planned each time instead of kept. */
const MAX_PREPARED = 500;

/**
 * One parameterised statement in a single exchange with the WASM backend (bind, describe, execute,
 * sync; parse too the first time). PGlite's own `query` makes five exchanges, the first only to
 * learn the parameter types, and parses and plans the text every time; on the signer's hot paths
 * that overhead was most of the database time. Our statements are constants of the code, so each
 * is prepared once per connection under a name. `forget` drops them all after schema changes,
 * which would otherwise fail a `SELECT *` with "cached plan must not change result type".
 */
function preparedStatements(pglite: PGlite) {
  const prepared = new Map<string, string>();
  // Names are never reused, so a statement the server kept after a failed DEALLOCATE cannot clash.
  let lastNumber = 0;
  async function run<Row>(sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
    const known = prepared.get(sql);
    const name = known ?? (prepared.size < MAX_PREPARED ? `p${++lastNumber}` : '');
    const message = concat([
      ...(known ? [] : [wire.parse({ name, text: sql, types: [] })]),
      wire.bind({ statement: name, values: params.map(toText) }),
      wire.describe({ type: 'P' }),
      wire.execute({}),
      wire.sync(),
    ]);
    const { messages } = await pglite.execProtocol(message, { throwOnError: false });
    // Keep the name only once the server has it: a statement that failed to parse is not prepared.
    if (!known && name && messages.some((m) => m.name === 'parseComplete')) prepared.set(sql, name);
    const failure = messages.find((m) => m.name === 'error');
    if (failure) throw failure;
    const result = parse.parseResults(messages, pglite.parsers)[0];
    const rows = (result?.rows ?? []) as Row[];
    return { rows, rowCount: result?.affectedRows ?? rows.length };
  }
  /** After `exec` (migrations, DDL): the next use of each statement plans it against the new schema. */
  async function forget(exec: (sql: string) => Promise<unknown>): Promise<void> {
    if (prepared.size === 0) return;
    prepared.clear();
    await exec('DEALLOCATE ALL').catch(() => {});
  }
  return { run, forget };
}

/**
 * Waits for the event loop's next turn. The WASM backend runs each statement synchronously and
 * hands the connection on through promises, so a queue of statements would otherwise run in one
 * go and keep the process from reading sockets: under a burst, requests that had just arrived
 * waited behind everything already queued, and a health check could stall for a second.
 */
/**
 * A fresh folder starts from the build's pre-initialised image when there is one; a damaged image
 * must not keep the service from starting, so the folder (empty before) is cleared and initialised
 * the slow way.
 */
async function openFolder(dataPath: string, imagePath: string): Promise<PGlite> {
  mkdirSync(dataPath, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    const image = imageFor(dataPath, imagePath);
    if (!image) return new PGlite(dataPath);
    const pglite = new PGlite(dataPath, { loadDataDir: image });
    await pglite.waitReady;
    return pglite;
  } catch (error) {
    process.emitWarning(
      `PGlite image ${imagePath} unusable, initialising the database instead: ${(error as Error).message}`,
    );
    for (const entry of readdirSync(dataPath))
      rmSync(path.join(dataPath, entry), { recursive: true, force: true });
    return new PGlite(dataPath);
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Embedded Postgres (WASM) in a folder of the data dir, or in memory when `dataPath` is undefined.
 * One process owns the folder: several `paraphe` processes need a Postgres server.
 */
export async function openPglite(
  dataPath: string | undefined,
  options: { imagePath?: string } = {},
): Promise<Db> {
  const pglite = dataPath
    ? await openFolder(dataPath, options.imagePath ?? defaultPgliteImagePath)
    : new PGlite();
  await pglite.waitReady;
  return pgliteDb(pglite);
}

/** The `Db` interface over a PGlite instance that is ready; closing the `Db` closes the instance. */
export function pgliteDb(pglite: PGlite): Db {
  let isClosed = false;
  // The same locks PGlite's own `query` takes: outside a transaction a statement waits for any
  // open one to finish; inside, the transaction already holds the outer lock.
  const statements = preparedStatements(pglite);
  const statement = <Row>(sql: string, params: readonly unknown[]) =>
    pglite._runExclusiveQuery(() => statements.run<Row>(sql, params));
  return {
    engine: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      await turn();
      return pglite._runExclusiveTransaction(() => statement<Row>(sql, params));
    },
    async exec(sql: string) {
      try {
        await pglite.exec(sql);
      } finally {
        await statements.forget((s) => pglite.exec(s));
      }
    },
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          async query<Row>(sql: string, params: readonly unknown[] = []) {
            await turn();
            return statement<Row>(sql, params);
          },
          async exec(sql: string) {
            try {
              await tx.exec(sql);
            } finally {
              await statements.forget((s) => tx.exec(s));
            }
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
