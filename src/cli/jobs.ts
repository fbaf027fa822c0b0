import type { Command } from 'commander';
import { listJobs, retryJob } from '../jobs/index.js';
import { printTable, withContext } from './run.js';

/** `paraphe jobs …`: see what the workers are doing and put a failed job back in the queue. */
export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('the durable job queue');
  jobs
    .command('list')
    .description('list recent jobs, newest first')
    .option('--failed', 'only jobs that failed for good')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON')
    .action((options: { failed?: boolean; limit: number; json?: boolean }) =>
      withContext(async (ctx) => {
        const rows = await listJobs(ctx.db, {
          status: options.failed ? 'failed' : undefined,
          limit: options.limit,
        });
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0)
          return void process.stdout.write(options.failed ? 'no failed job\n' : 'no job\n');
        printTable(
          rows.map((j) => ({
            id: j.id,
            kind: j.kind,
            status: j.status,
            attempts: `${j.attempts}/${j.maxAttempts}`,
            updated: j.updatedAt.toISOString(),
            error: (j.lastError ?? '').split('\n')[0]?.slice(0, 80) ?? '',
          })),
        );
      }),
    );
  jobs
    .command('retry')
    .description('queue a failed job again, with a fresh set of attempts')
    .argument('<id>', 'job id')
    .action((id: string) =>
      withContext(async (ctx) => {
        const job = await retryJob(ctx.db, ctx, id);
        process.stdout.write(`job ${job.id} (${job.kind}) is queued again\n`);
      }),
    );
}
