import type { Command } from 'commander';
import { z } from 'zod';
import {
  type Account,
  AccountNameSchema,
  addMailbox,
  CalendarDaySchema,
  createAccount,
  findAccount,
  listAccounts,
  MailboxAddressSchema,
  setSubscription,
} from '../accounts/index.js';
import { describeAccountBilling } from './billing.js';
import { type CliDeps, cliAccepted, cliNoArguments, printTable, withContext } from './run.js';

function describeAccount(account: Account): string {
  return `${account.name} (${account.id})\n  mailboxes: ${account.mailboxes.join(', ') || 'none'}\n  subscription until: ${account.subscriptionUntil ?? 'none'}\n`;
}

const collect = (value: string, previous: string[]) => [...previous, value];

// The domain's own rules on what the operator typed, so every mistake shows at once.
const day = cliAccepted(CalendarDaySchema, 'not a day that exists (YYYY-MM-DD)');
const address = cliAccepted(MailboxAddressSchema, 'not a mail address');
const reference = z.string().trim().min(1, { error: 'give an account id, name or mailbox' });

const CreateArgs = z.object({
  '--name': cliAccepted(AccountNameSchema, 'a name of 1 to 200 characters'),
  '--mailbox': z
    .array(address)
    .refine((all) => new Set(all.map((a) => a.trim().toLowerCase())).size === all.length, {
      error: 'the same address given twice',
    }),
  '--until': day.optional(),
});
const SubscriptionArgs = z.object({ '<account>': reference, '--until': day });
const MailboxAddArgs = z.object({ '<account>': reference, '<address>': address });
const ShowArgs = z.object({ '<account>': reference });

/** `paraphe account …` and `paraphe mailbox …`: what the provider's operators run. */
export function registerAccountCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  const account = program.command('account').description('customer accounts');

  account
    .command('create')
    .description('create an account, optionally with mailboxes and a subscription')
    .requiredOption('--name <name>', 'the customer name')
    .option('--mailbox <address>', 'a hosted address of the account (repeatable)', collect, [])
    .option('--until <YYYY-MM-DD>', 'last day of the subscription')
    .action((options: { name: string; mailbox: string[]; until?: string }) =>
      withContext(
        deps,
        {
          schema: CreateArgs,
          given: { '--name': options.name, '--mailbox': options.mailbox, '--until': options.until },
        },
        async (ctx, args) => {
          const created = await createAccount(ctx, {
            name: args['--name'],
            mailboxes: args['--mailbox'],
            subscriptionUntil: args['--until'] ?? null,
          });
          io.out(`created ${describeAccount(created)}`);
        },
      ),
    );

  account
    .command('list')
    .description('list accounts with their mailboxes and subscription')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withContext(deps, { schema: cliNoArguments, given: {} }, async (ctx) => {
        const accounts = await listAccounts(ctx.db);
        if (options.json) return io.out(`${JSON.stringify(accounts, null, 2)}\n`);
        if (accounts.length === 0) return io.out('no account yet\n');
        printTable(
          io,
          accounts.map((a) => ({
            id: a.id,
            name: a.name,
            until: a.subscriptionUntil ?? '-',
            mailboxes: a.mailboxes.join(', '),
          })),
        );
      }),
    );

  account
    .command('show')
    .description('an account: mailboxes, subscription, balance, holds and signatures of the free window')
    .argument('<account>', 'account id, name or one of its mailboxes')
    .action((given: string) =>
      withContext(deps, { schema: ShowArgs, given: { '<account>': given } }, async (ctx, args) => {
        const found = await findAccount(ctx.db, args['<account>']);
        io.out(`${describeAccount(found)}${await describeAccountBilling(ctx, found)}`);
      }),
    );

  account
    .command('subscription')
    .description("set the last day of an account's subscription")
    .argument('<account>', 'account id, name or one of its mailboxes')
    .requiredOption('--until <YYYY-MM-DD>', 'last valid day (inclusive, Paris time)')
    .action((given: string, options: { until: string }) =>
      withContext(
        deps,
        { schema: SubscriptionArgs, given: { '<account>': given, '--until': options.until } },
        async (ctx, args) => {
          const updated = await setSubscription(ctx.db, {
            account: args['<account>'],
            until: args['--until'],
          });
          io.out(`updated ${describeAccount(updated)}`);
        },
      ),
    );

  const mailbox = program.command('mailbox').description('hosted mailboxes');
  mailbox
    .command('add')
    .description('add a hosted address to an account')
    .argument('<account>', 'account id, name or one of its mailboxes')
    .argument('<address>', 'the mailbox address')
    .action((given: string, newAddress: string) =>
      withContext(
        deps,
        { schema: MailboxAddArgs, given: { '<account>': given, '<address>': newAddress } },
        async (ctx, args) => {
          const updated = await addMailbox(ctx, {
            account: args['<account>'],
            address: args['<address>'],
          });
          io.out(`added ${args['<address>'].trim().toLowerCase()} to ${describeAccount(updated)}`);
        },
      ),
    );
}
