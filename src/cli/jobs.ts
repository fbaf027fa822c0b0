import type { Command } from 'commander';
import { z } from 'zod';
import { listJobs, retryJob } from '../jobs/index.js';
import { type CliDeps, cliCount, cliId, printTable, withContext } from './run.js';

const ListArgs = z.object({ '--limit': cliCount });
const RetryArgs = z.object({ '<id>': cliId });

/** `paraphe jobs …`: see what the workers are doing and put a failed job back in the queue. */
export function registerJobCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const jobs = program.command('jobs').description('the durable job queue');
  jobs
    .command('list')
    .description('list recent jobs, newest first')
    .option('--failed', 'only jobs that failed for good')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action((options: { failed?: boolean; limit: string; json?: boolean }) =>
      withContext(deps, { schema: ListArgs, given: { '--limit': options.limit } }, async (ctx, args) => {
        const rows = await listJobs(ctx.db, {
          status: options.failed ? 'failed' : undefined,
          limit: args['--limit'],
        });
        if (options.json) return io.out(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return io.out(options.failed ? 'no failed job\n' : 'no job\n');
        printTable(
          io,
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
      withContext(deps, { schema: RetryArgs, given: { '<id>': id } }, async (ctx, args) => {
        const job = await retryJob(ctx.db, ctx, args['<id>']);
        io.out(`job ${job.id} (${job.kind}) is queued again\n`);
      }),
    );
}
