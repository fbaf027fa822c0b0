import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import type { Account } from './types.js';

interface AccountRow {
  id: string;
  name: string;
  subscription_until: string | null;
  created_at: Date;
  mailboxes: string[] | null;
}

// subscription_until is read as text so both engines return 'YYYY-MM-DD' without time zone games.
const SELECT_ACCOUNTS = `
  SELECT a.id, a.name, a.subscription_until::text AS subscription_until, a.created_at,
         coalesce((SELECT json_agg(m.address ORDER BY m.address) FROM mailboxes m WHERE m.account_id = a.id), '[]') AS mailboxes
  FROM accounts a`;

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    subscriptionUntil: row.subscription_until,
    mailboxes: row.mailboxes ?? [],
    createdAt: row.created_at,
  };
}

/** Every account, oldest first, with its mailboxes. */
export async function listAccounts(db: Queryable): Promise<Account[]> {
  const { rows } = await db.query<AccountRow>(`${SELECT_ACCOUNTS} ORDER BY a.created_at, a.name`);
  return rows.map(toAccount);
}

/**
 * Finds an account by id, by exact name, or by one of its mailbox addresses — what an operator
 * types on the command line. An ambiguous name is refused rather than guessed.
 */
export async function findAccount(db: Queryable, reference: string): Promise<Account> {
  const ref = reference.trim();
  const { rows } = await db.query<AccountRow>(
    `${SELECT_ACCOUNTS}
     WHERE a.id::text = lower($1::text) OR a.name = $1::text
        OR a.id IN (SELECT account_id FROM mailboxes WHERE address = lower($1::text))`,
    [ref],
  );
  if (rows.length === 0) throw new AppError('ACCOUNT_NOT_FOUND', `no account matches ${ref}`);
  if (rows.length > 1)
    throw new AppError('ACCOUNT_NOT_FOUND', `${rows.length} accounts are named ${ref}; use the id`, {
      userMessage: 'error.ACCOUNT_AMBIGUOUS',
    });
  return toAccount(rows[0] as AccountRow);
}
