import type { Command } from 'commander';
import {
  type Account,
  addMailbox,
  createAccount,
  findAccount,
  listAccounts,
  setSubscription,
} from '../accounts/index.js';
import { describeAccountBilling } from './billing.js';
import { printTable, withContext } from './run.js';

function describeAccount(account: Account): string {
  return `${account.name} (${account.id})\n  mailboxes: ${account.mailboxes.join(', ') || 'none'}\n  subscription until: ${account.subscriptionUntil ?? 'none'}\n`;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `paraphe account …` and `paraphe mailbox …`: what the provider's operators run. */
export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('customer accounts');

  account
    .command('create')
    .description('create an account, optionally with mailboxes and a subscription')
    .requiredOption('--name <name>', 'the customer name')
    .option('--mailbox <address>', 'a hosted address of the account (repeatable)', collect, [])
    .option('--until <YYYY-MM-DD>', 'last day of the subscription')
    .action((options: { name: string; mailbox: string[]; until?: string }) =>
      withContext(async (ctx) => {
        const created = await createAccount(ctx, {
          name: options.name,
          mailboxes: options.mailbox,
          subscriptionUntil: null,
        });
        const final = options.until
          ? await setSubscription(ctx.db, { account: created.id, until: options.until })
          : created;
        process.stdout.write(`created ${describeAccount(final)}`);
      }),
    );

  account
    .command('list')
    .description('list accounts with their mailboxes and subscription')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withContext(async (ctx) => {
        const accounts = await listAccounts(ctx.db);
        if (options.json) return void process.stdout.write(`${JSON.stringify(accounts, null, 2)}\n`);
        if (accounts.length === 0) return void process.stdout.write('no account yet\n');
        printTable(
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
    .action((reference: string) =>
      withContext(async (ctx) => {
        const found = await findAccount(ctx.db, reference);
        process.stdout.write(`${describeAccount(found)}${await describeAccountBilling(ctx, found)}`);
      }),
    );

  account
    .command('subscription')
    .description("set the last day of an account's subscription")
    .argument('<account>', 'account id, name or one of its mailboxes')
    .requiredOption('--until <YYYY-MM-DD>', 'last valid day (inclusive, Paris time)')
    .action((reference: string, options: { until: string }) =>
      withContext(async (ctx) => {
        const updated = await setSubscription(ctx.db, { account: reference, until: options.until });
        process.stdout.write(`updated ${describeAccount(updated)}`);
      }),
    );

  const mailbox = program.command('mailbox').description('hosted mailboxes');
  mailbox
    .command('add')
    .description('add a hosted address to an account')
    .argument('<account>', 'account id, name or one of its mailboxes')
    .argument('<address>', 'the mailbox address')
    .action((reference: string, address: string) =>
      withContext(async (ctx) => {
        const updated = await addMailbox(ctx, { account: reference, address });
        process.stdout.write(`added ${address.toLowerCase()} to ${describeAccount(updated)}`);
      }),
    );
}
