import type { Queryable } from '../db/index.js';
import { parisCalendarDay } from './calendar.js';
import type { SenderMailbox } from './types.js';

/**
 * The hosted mailbox behind an envelope sender, if any, and whether its account may use the
 * service today. The mail filter calls this for every message, so it is one indexed lookup.
 */
export async function findSenderMailbox(
  db: Queryable,
  input: { address: string; now: Date },
): Promise<SenderMailbox | null> {
  const { rows } = await db.query<{
    account_id: string;
    mailbox_id: string;
    address: string;
    is_valid: boolean;
  }>(
    `SELECT m.account_id, m.id AS mailbox_id, m.address,
            (a.subscription_until IS NOT NULL AND a.subscription_until >= $2::date) AS is_valid
     FROM mailboxes m JOIN accounts a ON a.id = m.account_id
     WHERE m.address = $1`,
    [input.address.trim().toLowerCase(), parisCalendarDay(input.now)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    accountId: row.account_id,
    mailboxId: row.mailbox_id,
    address: row.address,
    hasValidSubscription: row.is_valid,
  };
}
