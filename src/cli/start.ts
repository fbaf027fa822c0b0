import type { Command } from 'commander';
import { createAppContext } from '../app/context.js';
import { ensureDemoAccount } from '../app/demo.js';
import { startRoles } from '../app/start.js';
import { loadConfig, type Role, roleNames } from '../config/index.js';
import { migrate } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { reportAndExit, withContext } from './run.js';

function parseRoles(value: string): Role[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(roleNames as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0)
    throw new AppError(
      'CONFIG_INVALID',
      `--roles: unknown role(s) ${unknown.join(', ')}; use ${roleNames.join(',')}`,
    );
  return roles as Role[];
}

/** `paraphe start` and `paraphe migrate`. */
export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('run the service: mail filter, web pages and job worker (all roles unless --roles)')
    .option('--roles <roles>', `comma-separated subset of ${roleNames.join(',')}`)
    .action(async (options: { roles?: string }) => {
      try {
        const config = loadConfig();
        const roles = options.roles ? parseRoles(options.roles) : config.roles;
        const ctx = await createAppContext(config);
        const demoMailbox = await ensureDemoAccount(ctx);
        const service = await startRoles(ctx, roles);
        const readyMs = Math.round(performance.now());
        const lines = [
          `Paraphe is running (${roles.join(', ')}) — ready in ${readyMs} ms`,
          ...Object.entries(service.endpoints).map(([role, where]) => `  ${role}: ${where}`),
          `  database: ${config.isEmbedded ? `embedded PGlite in ${config.db.pglitePath}` : 'Postgres server (DATABASE_URL)'}`,
          `  blobs: ${config.blobs.dir}`,
        ];
        if (config.isDev) {
          const web = service.endpoints.web ?? config.publicUrl;
          lines.push(
            'Dev mode is ON: nothing leaves this machine.',
            `  outgoing mail: ${web}/dev/mail   SMS: ${web}/dev/sms`,
          );
          if (demoMailbox)
            lines.push(
              `  demo mailbox created: ${demoMailbox} (account "Démo", subscription for a year, 10 € demo credit)`,
            );
        }
        process.stderr.write(`${lines.join('\n')}\n`);
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
        reportAndExit(error);
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations (start does it too); safe with several processes')
    .action(() =>
      withContext(async (ctx) => {
        // createAppContext already migrated; running again reports that nothing is left.
        const applied = await migrate(ctx.db);
        process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
      }),
    );
}
