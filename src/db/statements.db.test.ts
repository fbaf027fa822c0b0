import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../test/support/db.js';
import type { Db } from './types.js';

// The embedded engine sends statements its own way (one exchange, prepared once); these cases
// must read the same on a Postgres server through the pg driver.
describe(`statements (${testEngine})`, () => {
  let db: Db;
  before(async () => {
    db = await freshDb({ migrate: false });
    await db.exec(
      `CREATE TABLE stmt_test (id int PRIMARY KEY, label text, at timestamptz, data jsonb, ok boolean)`,
    );
  });
  after(async () => {
    await db.close();
  });

  it('takes dates, JSON, arrays, booleans and nulls as parameters and returns them typed', async () => {
    const at = new Date('2026-11-26T12:34:56.789Z');
    await db.query('INSERT INTO stmt_test (id, label, at, data, ok) VALUES ($1, $2, $3, $4, $5)', [
      1,
      'élan “quoted”',
      at,
      JSON.stringify({ a: [1, 2], b: 'x' }),
      true,
    ]);
    await db.query('INSERT INTO stmt_test (id, label, at, data, ok) VALUES ($1, $2, $3, $4, $5)', [
      2,
      null,
      null,
      { nested: { n: 3 } },
      false,
    ]);
    const { rows } = await db.query<{
      id: number;
      label: string | null;
      at: Date | null;
      data: unknown;
      ok: boolean;
    }>('SELECT id, label, at, data, ok FROM stmt_test WHERE id = ANY($1::int[]) ORDER BY id', [[1, 2]]);
    assert.deepEqual(rows, [
      { id: 1, label: 'élan “quoted”', at, data: { a: [1, 2], b: 'x' }, ok: true },
      { id: 2, label: null, at: null, data: { nested: { n: 3 } }, ok: false },
    ]);
  });

  it('reports rows changed, and Postgres error codes, the same way every time', async () => {
    const updated = await db.query('UPDATE stmt_test SET ok = $2 WHERE id <= $1', [2, true]);
    assert.equal(updated.rowCount, 2);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        db.query('INSERT INTO stmt_test (id) VALUES ($1)', [1]),
        (error: { code?: string }) => error.code === '23505',
      );
      // A statement that does not parse is never kept: the same text fails the same way again.
      await assert.rejects(db.query('SELEC $1', [1]), (error: { code?: string }) => error.code === '42601');
    }
  });

  it('reuses a statement first run in a transaction that was rolled back', async () => {
    const sql = 'INSERT INTO stmt_test (id, label) VALUES ($1, $2) RETURNING label';
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(sql, [10, 'rolled back']);
        throw new Error('abort');
      }),
      /abort/,
    );
    const { rows } = await db.query<{ label: string }>(sql, [10, 'kept']);
    assert.deepEqual(rows, [{ label: 'kept' }]);
  });

  it('sees a column added after a statement was used (SELECT * is planned again)', async () => {
    const sql = 'SELECT * FROM stmt_test WHERE id = $1';
    for (let i = 0; i < 6; i++) await db.query(sql, [1]);
    await db.exec('ALTER TABLE stmt_test ADD COLUMN extra text');
    const { rows } = await db.query<Record<string, unknown>>(sql, [1]);
    assert.deepEqual(Object.keys(rows[0] ?? {}).sort(), ['at', 'data', 'extra', 'id', 'label', 'ok']);
  });
});
