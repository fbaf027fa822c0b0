import type { Command } from 'commander';
import { z } from 'zod';
import { devModeLines } from '../app/banner.js';
import { createAppContext } from '../app/context.js';
import { ensureDemoAccount } from '../app/demo.js';
import { startRoles } from '../app/start.js';
import { describeBlobStore } from '../blobs/index.js';
import { type Role, roleNames } from '../config/index.js';
import { migrate } from '../db/index.js';
import { type CliDeps, cliNoArguments, parseArguments, reportAndExit, withContext } from './run.js';

const StartArgs = z.object({
  '--roles': z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(roleNames, { error: `unknown role; use ${roleNames.join(',')}` }))
        .min(1, { error: `use ${roleNames.join(',')}` }),
    )
    .optional(),
});

/** `paraphe start` and `paraphe migrate`. */
export function registerStartCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  program
    .command('start')
    .description('run the service: mail filter, web pages and job worker (all roles unless --roles)')
    .option('--roles <roles>', `comma-separated subset of ${roleNames.join(',')}`)
    .action(async (options: { roles?: string }) => {
      try {
        const args = parseArguments(StartArgs, { '--roles': options.roles });
        const config = deps.getConfig();
        const roles: Role[] = args['--roles'] ?? config.roles;
        const ctx = await createAppContext(config);
        const demoMailbox = await ensureDemoAccount(ctx);
        const service = await startRoles(ctx, roles);
        const readyMs = Math.round(performance.now());
        const lines = [
          `Paraphe is running (${roles.join(', ')}) — ready in ${readyMs} ms`,
          ...Object.entries(service.endpoints).map(([role, where]) => `  ${role}: ${where}`),
          `  database: ${config.isEmbedded ? `embedded PGlite in ${config.db.pglitePath}` : 'Postgres server (DATABASE_URL)'}`,
          `  blobs: ${describeBlobStore(config.blobs)}`,
        ];
        if (config.isDev) {
          const web = service.endpoints.web ?? config.publicUrl;
          lines.push(
            ...devModeLines({ web, relayUrl: config.mail.relayUrl, smsProvider: ctx.smsSender.name }),
          );
          if (demoMailbox)
            lines.push(
              `  demo mailbox created: ${demoMailbox} (account "Démo", subscription for a year, 10 € demo credit)`,
            );
        }
        io.err(`${lines.join('\n')}\n`);
        ctx.logger.info({ roles, endpoints: service.endpoints, readyMs }, 'ready');

        let isStopping = false;
        const shutdown = async (signal: string) => {
          if (isStopping) return;
          isStopping = true;
          ctx.logger.info({ signal }, 'stopping');
          try {
            await service.stop();
            await ctx.close();
            process.exit(0);
          } catch (error) {
            ctx.logger.error({ err: error }, 'unclean stop');
            process.exit(1);
          }
        };
        process.on('SIGTERM', () => void shutdown('SIGTERM'));
        process.on('SIGINT', () => void shutdown('SIGINT'));
      } catch (error) {
        reportAndExit(io, error);
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations (start does it too); safe with several processes')
    .action(() =>
      withContext(deps, { schema: cliNoArguments, given: {} }, async (ctx) => {
        // createAppContext already migrated; running again reports that nothing is left.
        const applied = await migrate(ctx.db);
        io.out(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
}
