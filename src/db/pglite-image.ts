import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';

/**
 * Where `npm run build` leaves the pre-initialised database: next to the compiled module, so a
 * process run from `dist/` finds it and one run from the sources (tsx) simply initialises as before.
 */
export const defaultPgliteImagePath = fileURLToPath(new URL('./pglite-image.tgz', import.meta.url));

/**
 * A gzip'd tarball of an empty PGlite cluster, optionally migrated. Creating a cluster (initdb in
 * WASM) is most of a first start; unpacking one made at build time is a fraction of it. The image
 * only saves work: `migrate` still runs after opening and applies whatever the image lacks.
 */
export async function writePgliteImage(
  file: string,
  prepare: (pglite: PGlite) => Promise<void> = async () => {},
): Promise<void> {
  const pglite = new PGlite();
  try {
    await pglite.waitReady;
    await prepare(pglite);
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o644 });
  } finally {
    await pglite.close();
  }
}

/**
 * The image to unpack into `dataPath`, or undefined when there is none or the folder already holds
 * a cluster (PGlite refuses to load over one, and an existing database is never replaced). Throws
 * when the file is not a gzip stream.
 */
export function imageFor(dataPath: string, imagePath: string): Blob | undefined {
  if (existsSync(path.join(dataPath, 'PG_VERSION'))) return undefined;
  if (readdirSync(dataPath).length > 0) return undefined;
  if (!existsSync(imagePath) || statSync(imagePath).size === 0) return undefined;
  // Unzipped here rather than by PGlite, whose stream reports a damaged file as an uncaught error.
  return new Blob([gunzipSync(readFileSync(imagePath))], { type: 'application/x-tar' });
}
