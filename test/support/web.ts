import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { openFsBlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import { manualClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import type { WebDeps } from '../../src/web/index.js';
import { silentLogger } from './logger.js';

/** Web dependencies around a test database, with a blob store in a temporary folder. */
export async function webDeps(
  db: Db,
  options: { isDev?: boolean; isHttps?: boolean } = {},
): Promise<WebDeps> {
  const ids = randomIds;
  return {
    config: {
      isDev: options.isDev ?? true,
      publicUrl: 'http://127.0.0.1:8080',
      http: { isHttps: options.isHttps ?? false, trustProxy: false },
    },
    logger: silentLogger,
    db,
    blobs: await openFsBlobStore({ root: mkdtempSync(path.join(tmpdir(), 'paraphe-web-')), ids }),
    clock: manualClock(),
    ids,
    metrics: new Registry(),
  };
}
