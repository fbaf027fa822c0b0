import type { Db } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { findAccount } from './account-queries.js';
import { insertMailbox, parseMailboxAddress } from './add-mailbox.js';
import { parseSubscriptionDay } from './set-subscription.js';
import { type Account, AccountNameSchema } from './types.js';

/**
 * Creates an account with its mailboxes and subscription, all or nothing: every input is checked
 * before the first write, and the writes share one transaction.
 */
export async function createAccount(
  deps: { db: Db; clock: Clock; ids: Ids },
  input: { name: string; mailboxes?: string[]; subscriptionUntil?: string | null },
): Promise<Account> {
  const name = AccountNameSchema.safeParse(input.name);
  if (!name.success) throw new AppError('ACCOUNT_NAME_INVALID', `invalid account name: ${input.name}`);
  const addresses = (input.mailboxes ?? []).map(parseMailboxAddress);
  const until = input.subscriptionUntil == null ? null : parseSubscriptionDay(input.subscriptionUntil);
  const id = deps.ids.uuid();
  await deps.db.transaction(async (tx) => {
    await tx.query(
      'INSERT INTO accounts (id, name, subscription_until, created_at) VALUES ($1, $2, $3, $4)',
      [id, name.data, until, deps.clock.now()],
    );
    for (const address of addresses) await insertMailbox(tx, deps, { accountId: id, address });
  });
  return findAccount(deps.db, id);
}
