import type { Command } from 'commander';
import { type Account, findAccount } from '../accounts/index.js';
import type { AppContext } from '../app/context.js';
import {
  checkBilling,
  creditAccount,
  getAccountBilling,
  type LedgerEntry,
  listLedgerEntries,
} from '../billing/index.js';
import { AppError } from '../shared/errors.js';
import { formatCents, parseEuros } from '../shared/money.js';
import { printTable, withContext } from './run.js';

const euros = (cents: number) => formatCents(cents, 'en');

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
export function registerBillingCommands(program: Command): void {
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
    .action((reference: string, amount: string, options: { reference: string; reason?: string }) =>
      withContext(async (ctx) => {
        const amountCents = parseEuros(amount);
        if (amountCents === null)
          throw new AppError('BILLING_CREDIT_INVALID', `not an amount of euros: ${amount}`);
        const account = await findAccount(ctx.db, reference);
        const { entry, isNew } = await creditAccount(
          { ...ctx.billing, db: ctx.db },
          {
            accountId: account.id,
            amountCents,
            reference: options.reference,
            actor: 'operator',
            ...(options.reason ? { reason: options.reason } : {}),
          },
        );
        process.stdout.write(
          isNew
            ? `credited ${euros(amountCents)} to ${account.name} (reference ${entry.reference}); balance ${euros(entry.balanceAfterCents)}\n`
            : `reference ${entry.reference} was already credited on ${entry.createdAt.toISOString()}: nothing changed\n`,
        );
      }),
    );

  program
    .command('ledger')
    .description("an account's ledger entries, newest first")
    .argument('<account>', 'account id, name or one of its mailboxes')
    .option('--limit <n>', 'how many entries', '50')
    .option('--json', 'print JSON')
    .action((reference: string, options: { limit: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const account = await findAccount(ctx.db, reference);
        const limit = Math.max(1, Math.min(10_000, Number.parseInt(options.limit, 10) || 50));
        const entries = await listLedgerEntries(ctx.db, { accountId: account.id, limit });
        if (options.json) return void process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        if (entries.length === 0) return void process.stdout.write(`no ledger entry for ${account.name}\n`);
        printTable(entries.map(ledgerRow));
      }),
    );

  program
    .command('billing')
    .description('billing operations')
    .command('check')
    .description(
      'reconcile the ledger: totals = sums, one entry per signature received (exit 1 on a problem)',
    )
    .action(() =>
      withContext(async (ctx) => {
        const result = await checkBilling(ctx.db, { now: ctx.clock.now(), rules: ctx.config.billing });
        for (const p of result.problems)
          process.stdout.write(`PROBLEM ${p.accountId} ${p.problem}: ${p.detail}\n`);
        process.stdout.write(
          `${result.accounts} accounts, ${result.entries} entries: ${result.problems.length === 0 ? 'the ledger agrees' : `${result.problems.length} problems`}\n`,
        );
        if (result.problems.length > 0) process.exitCode = 1;
      }),
    );
}
