import { createAccount, listAccounts } from '../accounts/index.js';
import type { AppContext } from './context.js';

/**
 * Embedded first start: one demo account with one mailbox and a year of subscription, so the
 * quickstart can send a *SIGN message without any setup. Never on a Postgres server.
 */
export async function ensureDemoAccount(ctx: AppContext): Promise<string | null> {
  if (!ctx.config.isEmbedded) return null;
  if ((await listAccounts(ctx.db)).length > 0) return null;
  const until = new Date(ctx.clock.now());
  until.setUTCFullYear(until.getUTCFullYear() + 1);
  await createAccount(ctx, {
    name: 'Démo',
    mailboxes: [ctx.config.demoMailbox],
    subscriptionUntil: until.toISOString().slice(0, 10),
  });
  return ctx.config.demoMailbox;
}
