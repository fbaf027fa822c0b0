import type { Db, Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Ids } from '../shared/ids.js';
import { findAccount } from './account-queries.js';
import { type Account, MailboxAddressSchema } from './types.js';

/** The normalised (trimmed, lower-case) address, or MAILBOX_ADDRESS_INVALID. */
export function parseMailboxAddress(input: string): string {
  const address = MailboxAddressSchema.safeParse(input);
  if (!address.success)
    throw new AppError('MAILBOX_ADDRESS_INVALID', `invalid mailbox address: ${input}`, {
      details: { address: input },
    });
  return address.data;
}

/** Inserts a mailbox; the unique index decides races between two operators adding one address. */
export async function insertMailbox(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { accountId: string; address: string },
): Promise<void> {
  const address = parseMailboxAddress(input.address);
  const { rowCount } = await tx.query(
    `INSERT INTO mailboxes (id, account_id, address, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (address) DO NOTHING`,
    [deps.ids.uuid(), input.accountId, address, deps.clock.now()],
  );
  if (rowCount === 0)
    throw new AppError('MAILBOX_TAKEN', `${address} already belongs to an account`, {
      details: { address: address },
    });
}

/** Adds a hosted address to an existing account. */
export async function addMailbox(
  deps: { db: Db; clock: Clock; ids: Ids },
  input: { account: string; address: string },
): Promise<Account> {
  const account = await findAccount(deps.db, input.account);
  await insertMailbox(deps.db, deps, { accountId: account.id, address: input.address });
  return findAccount(deps.db, account.id);
}
