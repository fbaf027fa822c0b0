import type { Command } from 'commander';
import { isLocale } from '../shared/i18n/index.js';
import { listSmsMessages, sendTestSms } from '../sms/index.js';
import { printTable, withContext } from './run.js';

/** `paraphe sms …`: check the configured SMS gateway and see what was (not) sent. */
export function registerSmsCommands(program: Command): void {
  const sms = program.command('sms').description('SMS gateway and one-time codes');
  sms
    .command('test')
    .description('send a test SMS through the configured provider (PARAPHE_SMS_PROVIDER)')
    .argument('<number>', 'a mobile number; French when written without +country code')
    .option('--locale <fr|en>', 'language of the text', 'fr')
    .action((number: string, options: { locale: string }) =>
      withContext(async (ctx) => {
        const locale = isLocale(options.locale) ? options.locale : 'fr';
        const result = await sendTestSms(ctx.sms, { phone: number, locale });
        if (result.status === 'sent') {
          process.stdout.write(
            `sent to ${result.toNumber} through ${ctx.sms.sender.name}: provider message id ${result.providerMessageId}\n`,
          );
          return;
        }
        const detail = result.error instanceof Error ? result.error.message : String(result.error ?? '');
        process.stderr.write(`paraphe: not sent to ${result.toNumber} (${result.reason}): ${detail}\n`);
        process.exitCode = 1;
      }),
    );
  sms
    .command('list')
    .description('recent SMS with their state, newest first')
    .option('--unsent', 'only those not sent (queued, retrying, failed, given up)')
    .option('--signer <id>', 'only this signer')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON')
    .action((options: { unsent?: boolean; signer?: string; limit: number; json?: boolean }) =>
      withContext(async (ctx) => {
        const rows = await listSmsMessages(ctx.db, {
          isUnsentOnly: options.unsent ?? false,
          ...(options.signer ? { signerId: options.signer } : {}),
          limit: options.limit,
        });
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('no SMS\n');
        printTable(
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
      }),
    );
}
