// Test helper process: a worker running one slow job, stopped by SIGTERM the way `paraphe start`
// is. Usage: worker-child.ts DATA_DIR GRACE_SECONDS. Prints "started" when the job runs; the job
// finishes when the file DATA_DIR/go appears, or gives up when the worker aborts it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { migrate, openPglite } from '../../src/db/index.js';
import { createWorker, defineJob, enqueueJob } from '../../src/jobs/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { silentLogger } from './logger.js';

const [dataDir = '', grace = '5'] = process.argv.slice(2);
const db = await openPglite(path.join(dataDir, 'pglite'));
await migrate(db);
await enqueueJob(
  db,
  { clock: systemClock, ids: randomIds },
  { kind: 'test.slow', payload: {}, dedupeKey: 'the-job' },
);
const worker = createWorker({
  db,
  clock: systemClock,
  ids: randomIds,
  logger: silentLogger,
  concurrency: 1,
  leaseSeconds: 60,
  pollMs: 20,
  stopGraceSeconds: Number(grace),
  jobs: [
    defineJob({
      kind: 'test.slow',
      payloadSchema: z.object({}),
      handle: async (_payload, ctx) => {
        process.stdout.write('started\n');
        while (!existsSync(path.join(dataDir, 'go'))) {
          if (ctx.signal.aborted) throw new Error('aborted by stop');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
    }),
  ],
});
process.on('SIGTERM', async () => {
  process.stdout.write('stopping\n');
  await worker.stop();
  await db.close();
  process.exit(0);
});
worker.start();
