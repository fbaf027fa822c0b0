import { createAccount, listAccounts } from '../accounts/index.js';
import { creditAccount } from '../billing/index.js';
import type { AppContext } from './context.js';

/**
 * Embedded first start: one demo account with one mailbox and a year of subscription, so the
 * quickstart can send a *SIGN message without any setup, and 10 € of demo credit, so charges
 * beyond the free window can be tried too. Never on a Postgres server.
 */
export async function ensureDemoAccount(ctx: AppContext): Promise<string | null> {
  if (!ctx.config.isEmbedded) return null;
  if ((await listAccounts(ctx.db)).length > 0) return null;
  const until = new Date(ctx.clock.now());
  until.setUTCFullYear(until.getUTCFullYear() + 1);
  const account = await createAccount(ctx, {
    name: 'Démo',
    mailboxes: [ctx.config.demoMailbox],
    subscriptionUntil: until.toISOString().slice(0, 10),
  });
  await creditAccount(
    { ...ctx.billing, db: ctx.db },
    { accountId: account.id, amountCents: 1000, reference: 'demo', reason: 'demo credit', actor: 'operator' },
  );
  return ctx.config.demoMailbox;
}
