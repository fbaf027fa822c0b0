import type { Command } from 'commander';
import { z } from 'zod';
import { locales } from '../shared/i18n/index.js';
import { listSmsMessages, sendTestSms } from '../sms/index.js';
import { type CliDeps, cliCount, cliId, printTable, withContext } from './run.js';

// The number itself is judged by the SMS domain (PHONE_* codes), like a signer's number.
const TestArgs = z.object({
  '<number>': z.string().trim().min(1, { error: 'give a mobile number' }),
  '--locale': z.enum(locales, { error: `expected one of ${locales.join(', ')}` }),
});
const ListArgs = z.object({ '--signer': cliId.optional(), '--limit': cliCount });

/** `paraphe sms …`: check the configured SMS gateway and see what was (not) sent. */
export function registerSmsCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const sms = program.command('sms').description('SMS gateway and one-time codes');
  sms
    .command('test')
    .description('send a test SMS through the configured provider (PARAPHE_SMS_PROVIDER)')
    .argument('<number>', 'a mobile number; French when written without +country code')
    .option('--locale <fr|en>', 'language of the text', 'fr')
    .action((number: string, options: { locale: string }) =>
      withContext(
        deps,
        { schema: TestArgs, given: { '<number>': number, '--locale': options.locale } },
        async (ctx, args) => {
          const result = await sendTestSms(ctx.sms, { phone: args['<number>'], locale: args['--locale'] });
          if (result.status === 'sent') {
            io.out(
              `sent to ${result.toNumber} through ${ctx.sms.sender.name}: provider message id ${result.providerMessageId}\n`,
            );
            return;
          }
          const detail = result.error instanceof Error ? result.error.message : String(result.error ?? '');
          io.err(`paraphe: not sent to ${result.toNumber} (${result.reason}): ${detail}\n`);
          io.setExitCode(1);
        },
      ),
    );
  sms
    .command('list')
    .description('recent SMS with their state, newest first')
    .option('--unsent', 'only those not sent (queued, retrying, failed, given up)')
    .option('--signer <id>', 'only this signer')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action((options: { unsent?: boolean; signer?: string; limit: string; json?: boolean }) =>
      withContext(
        deps,
        { schema: ListArgs, given: { '--signer': options.signer, '--limit': options.limit } },
        async (ctx, args) => {
          const signerId = args['--signer'];
          const rows = await listSmsMessages(ctx.db, {
            isUnsentOnly: options.unsent ?? false,
            ...(signerId ? { signerId } : {}),
            limit: args['--limit'],
          });
          if (options.json) return io.out(`${JSON.stringify(rows, null, 2)}\n`);
          if (rows.length === 0) return io.out('no SMS\n');
          printTable(
            io,
            rows.map((m) => ({
              created: m.createdAt.toISOString(),
              to: m.maskedNumber,
              purpose: m.purpose,
              provider: m.provider,
              status: m.status,
              attempts: `${m.attempts}/${m.maxAttempts}`,
              delivery: m.deliveryStatus ?? '',
              problem: m.failureReason ?? '',
            })),
          );
        },
      ),
    );
}
