import type { Command } from 'commander';
import { z } from 'zod';
import { migrateBlobs, openBlobStore } from '../blobs/index.js';
import { AppError } from '../shared/errors.js';
import { randomIds } from '../shared/ids.js';
import { type CliDeps, cliCount, parseArguments, reportAndExit } from './run.js';

/** `paraphe blobs …`: the blob store, and the move of a filesystem store into S3. */
export function registerBlobCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const blobs = program.command('blobs').description('the blob store (documents, sealed PDFs, messages)');
  blobs
    .command('migrate')
    .description(
      'copy every blob of the filesystem store (PARAPHE_DATA_DIR/blobs) into the S3 store; safe to run again, and while nodes run',
    )
    .option('--concurrency <n>', 'blobs copied at once', '4')
    .action(async (given: { concurrency: string }) => {
      try {
        const args = parseArguments(z.object({ '--concurrency': cliCount }), {
          '--concurrency': given.concurrency,
        });
        const config = deps.getConfig();
        if (config.blobs.store !== 's3')
          throw new AppError(
            'CONFIG_INVALID',
            'invalid configuration:\n  - PARAPHE_BLOB_STORE: set it to s3 (and the PARAPHE_S3_* settings) to migrate into S3',
          );
        // Straight to S3: the fallback would copy each blob onto the disk it comes from.
        const target = await openBlobStore({ ...config.blobs, hasFsFallback: false }, { ids: randomIds });
        let shown = 0;
        const report = await migrateBlobs({
          fsRoot: config.blobs.dir,
          target,
          concurrency: args['--concurrency'],
          onProgress: (progress) => {
            if (progress.found - shown < 500) return;
            shown = progress.found;
            io.err(`… ${progress.found} blobs looked at\n`);
          },
        });
        await target.close?.();
        const bucket = `s3://${config.blobs.s3.bucket}/${config.blobs.s3.prefix}`;
        io.out(
          [
            `from ${config.blobs.dir} to ${bucket}`,
            `found:          ${report.found}`,
            `copied:         ${report.copied} (each read back and checked)`,
            `already there:  ${report.alreadyThere}`,
            `failed:         ${report.failed.length}`,
            ...report.failed.map((f) => `  ${f.sha256}: ${f.reason}`),
            '',
          ].join('\n'),
        );
        if (report.failed.length > 0) {
          io.err('paraphe: some blobs were not copied; run the command again once fixed\n');
          io.setExitCode(1);
        }
      } catch (error) {
        reportAndExit(io, error);
      }
    });
}
