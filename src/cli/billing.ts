import type { Command } from 'commander';
import { z } from 'zod';
import { type Account, findAccount } from '../accounts/index.js';
import type { AppContext } from '../app/context.js';
import {
  checkBilling,
  creditAccount,
  getAccountBilling,
  type LedgerEntry,
  listLedgerEntries,
} from '../billing/index.js';
import { formatCents, parseEuros } from '../shared/money.js';
import { type CliDeps, cliCount, cliNoArguments, printTable, withContext } from './run.js';

const euros = (cents: number) => formatCents(cents, 'en');

const accountReference = z.string().trim().min(1, { error: 'give an account id, name or mailbox' });
const CreditArgs = z.object({
  '<account>': accountReference,
  '<amount>': z
    .string()
    .transform((amount) => parseEuros(amount))
    .pipe(z.number({ error: 'not an amount of euros (e.g. 50 or 12.50)' }).int().positive()),
  '--reference': z.string().trim().min(1, { error: 'give your reference for this credit' }),
  '--reason': z.string().trim().min(1).optional(),
});
const LedgerArgs = z.object({ '<account>': accountReference, '--limit': cliCount });

/** The billing lines of `paraphe account show`. */
export async function describeAccountBilling(ctx: AppContext, account: Account): Promise<string> {
  const billing = await getAccountBilling(ctx.db, {
    accountId: account.id,
    now: ctx.clock.now(),
    rules: ctx.config.billing,
  });
  return [
    `  balance: ${euros(billing.balanceCents)} excl. VAT`,
    `  held for open requests: ${euros(billing.heldCents)} (${billing.pendingSigners} signers expected)`,
    `  available: ${euros(billing.availableCents)}`,
    `  signatures received in the last ${ctx.config.billing.windowDays} days: ${billing.receivedInWindow} (${billing.freeLeft} free left)`,
    '',
  ].join('\n');
}

function ledgerRow(entry: LedgerEntry): Record<string, string> {
  return {
    seq: String(entry.seq),
    date: entry.createdAt.toISOString(),
    kind: entry.kind,
    amount: euros(entry.amountCents),
    balance: euros(entry.balanceAfterCents),
    held: euros(entry.heldAfterCents),
    reason: entry.reason,
    ref: entry.reference ?? entry.envelopeId ?? '',
  };
}

/** `paraphe credit`, `paraphe ledger`, `paraphe billing check`: the operator's side of billing. */
export function registerBillingCommands(program: Command, deps: CliDeps): void {
  const { io } = deps;
  program
    .command('credit')
    .description("credit an account's prepaid balance (euros excl. VAT), once per reference")
    .argument('<account>', 'account id, name or one of its mailboxes')
    .argument('<amount>', 'euros excl. VAT, e.g. 50 or 12.50')
    .requiredOption(
      '--reference <ref>',
      'your reference for this credit (order, transfer…): it makes the credit idempotent',
    )
    .option('--reason <text>', 'why, for the audit trail')
    .action((given: string, amount: string, options: { reference: string; reason?: string }) =>
      withContext(
        deps,
        {
          schema: CreditArgs,
          given: {
            '<account>': given,
            '<amount>': amount,
            '--reference': options.reference,
            '--reason': options.reason,
          },
        },
        async (ctx, args) => {
          const account = await findAccount(ctx.db, args['<account>']);
          const { entry, isNew } = await creditAccount(
            { ...ctx.billing, db: ctx.db },
            {
              accountId: account.id,
              amountCents: args['<amount>'],
              reference: args['--reference'],
              actor: 'operator',
              ...(args['--reason'] ? { reason: args['--reason'] } : {}),
            },
          );
          io.out(
            isNew
              ? `credited ${euros(args['<amount>'])} to ${account.name} (reference ${entry.reference}); balance ${euros(entry.balanceAfterCents)}\n`
              : `reference ${entry.reference} was already credited on ${entry.createdAt.toISOString()}: nothing changed\n`,
          );
        },
      ),
    );

  program
    .command('ledger')
    .description("an account's ledger entries, newest first")
    .argument('<account>', 'account id, name or one of its mailboxes')
    .option('--limit <n>', 'how many entries', '50')
    .option('--json', 'print JSON')
    .action((given: string, options: { limit: string; json?: boolean }) =>
      withContext(
        deps,
        { schema: LedgerArgs, given: { '<account>': given, '--limit': options.limit } },
        async (ctx, args) => {
          const account = await findAccount(ctx.db, args['<account>']);
          const entries = await listLedgerEntries(ctx.db, { accountId: account.id, limit: args['--limit'] });
          if (options.json) return io.out(`${JSON.stringify(entries, null, 2)}\n`);
          if (entries.length === 0) return io.out(`no ledger entry for ${account.name}\n`);
          printTable(io, entries.map(ledgerRow));
        },
      ),
    );

  program
    .command('billing')
    .description('billing operations')
    .command('check')
    .description(
      'reconcile the ledger: totals = sums, one entry per signature received (exit 1 on a problem)',
    )
    .action(() =>
      withContext(deps, { schema: cliNoArguments, given: {} }, async (ctx) => {
        const result = await checkBilling(ctx.db, { now: ctx.clock.now(), rules: ctx.config.billing });
        for (const p of result.problems) io.out(`PROBLEM ${p.accountId} ${p.problem}: ${p.detail}\n`);
        io.out(
          `${result.accounts} accounts, ${result.entries} entries: ${result.problems.length === 0 ? 'the ledger agrees' : `${result.problems.length} problems`}\n`,
        );
        if (result.problems.length > 0) io.setExitCode(1);
      }),
    );
}
