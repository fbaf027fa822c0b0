// Benchmark: time from `paraphe start` to ready on embedded defaults (first start and warm start),
// and trivial-job throughput on PGlite and on a Postgres server, measured side by side in one run.
// First starts are measured with the build's pre-initialised database image and without it, in turns.
// Usage: npx tsx bench/start-and-jobs.ts [--jobs N] [--start-only]   (starts its own Postgres server)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Db, migrate, openPglite, openPostgres } from '../src/db/index.js';
import { createWorker, defineJob, enqueueJob } from '../src/jobs/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const jobCount = Number(process.argv[process.argv.indexOf('--jobs') + 1]) || 5000;

async function timeToReady(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'dist/main.js'), 'start'], {
    env: {
      ...process.env,
      PARAPHE_DATA_DIR: dataDir,
      PARAPHE_HTTP_PORT: '0',
      PARAPHE_LMTP_PORT: '0',
      PARAPHE_SMTP_PORT: '0',
      PARAPHE_LOG_LEVEL: 'warn',
    },
  });
  let stderr = '';
  const web = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = stderr.match(/web: (http:\/\/[\d.]+:\d+)/);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  // Ready = the readiness probe answers 200, as a load balancer would see it.
  while ((await fetch(`${web}/readyz`).catch(() => null))?.status !== 200);
  const ms = performance.now() - started;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return ms;
}

async function throughput(db: Db, concurrency: number): Promise<number> {
  await db.query('DELETE FROM jobs');
  const deps = { clock: systemClock, ids: randomIds };
  await db.transaction(async (tx) => {
    for (let i = 0; i < jobCount; i++) await enqueueJob(tx, deps, { kind: 'bench.noop', payload: { i } });
  });
  let done = 0;
  const worker = createWorker({
    db,
    ...deps,
    logger: createLogger({ level: 'silent' }),
    concurrency,
    leaseSeconds: 60,
    pollMs: 5,
    stopGraceSeconds: 5,
    jobs: [
      defineJob({
        kind: 'bench.noop',
        payloadSchema: z.object({ i: z.number() }),
        handle: async () => void done++,
      }),
    ],
  });
  const started = performance.now();
  worker.start();
  while (done < jobCount) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  return jobCount / seconds;
}

execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const image = path.join(root, 'dist/db/pglite-image.tgz');
async function firstStart(withImage: boolean): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-bench-'));
  if (!withImage) renameSync(image, `${image}.off`);
  try {
    return await timeToReady(dataDir);
  } finally {
    if (!withImage) renameSync(`${image}.off`, image);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const firstWith: number[] = [];
const firstWithout: number[] = [];
for (let i = 0; i < 3; i++) {
  firstWith.push(await firstStart(true));
  firstWithout.push(await firstStart(false));
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-bench-'));
await timeToReady(dataDir);
const warm: number[] = [];
for (let i = 0; i < 3; i++) warm.push(await timeToReady(dataDir));
rmSync(dataDir, { recursive: true, force: true });
console.log(
  `first start → ready (embedded, median of 3): ${median(firstWith).toFixed(0)} ms with the database image, ${median(firstWithout).toFixed(0)} ms without → ${(median(firstWith) / median(firstWithout)).toFixed(2)}x; goal ≤ 3000 ms → ${(median(firstWith) / 3000).toFixed(2)}x of the budget`,
);
console.log(`warm start → ready: median ${median(warm).toFixed(0)} ms`);
if (process.argv.includes('--start-only')) process.exit(0);

const pglite = await openPglite(undefined);
await migrate(pglite);
const pgliteRate = await throughput(pglite, 32);
await pglite.close();

const [pgDir, pgUrl] = execFileSync('bash', [path.join(root, 'scripts/pg-server.sh')], { encoding: 'utf8' })
  .trim()
  .split(' ');
try {
  const pg = await openPostgres({ url: pgUrl as string, poolSize: 10 });
  await migrate(pg);
  const pgRate = await throughput(pg, 32);
  await pg.close();
  console.log(
    `trivial jobs (${jobCount}): PGlite ${pgliteRate.toFixed(0)} jobs/s, Postgres ${pgRate.toFixed(0)} jobs/s (goal ≥ 500) → ${(pgliteRate / 500).toFixed(2)}x and ${(pgRate / 500).toFixed(2)}x of the goal`,
  );
} finally {
  execFileSync('bash', [path.join(root, 'scripts/pg-server.sh'), 'stop', pgDir as string]);
}
