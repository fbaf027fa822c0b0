import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors.js';
import { PRIVATE_DIR_MODE } from '../shared/file-modes.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite keeps its files open in one process; a second process opening the same folder would
 * corrupt it. This pid file turns that into a clear refusal. Returns the release function.
 */
export function lockEmbeddedDb(pglitePath: string): () => void {
  mkdirSync(pglitePath, { recursive: true, mode: PRIVATE_DIR_MODE });
  const lockPath = path.join(path.dirname(pglitePath), 'pglite.pid');
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lockPath, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder))
      throw new AppError(
        'DB_LOCKED',
        `the embedded database in ${pglitePath} is in use by process ${holder}; stop it first, or point DATABASE_URL at a Postgres server to run several processes`,
        { details: { pid: holder } },
      );
    // A stale lock from a process that died: take it over.
    writeFileSync(lockPath, String(process.pid));
  }
  return () => {
    try {
      if (readFileSync(lockPath, 'utf8') === String(process.pid)) rmSync(lockPath, { force: true });
    } catch {
      // already gone
    }
  };
}
