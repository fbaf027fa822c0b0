import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { findAccount } from './account-queries.js';
import { type Account, CalendarDaySchema } from './types.js';

/** Sets the last day of an account's subscription (inclusive); the provider's billing calls this. */
export async function setSubscription(
  db: Queryable,
  input: { account: string; until: string },
): Promise<Account> {
  const until = CalendarDaySchema.safeParse(input.until);
  if (!until.success)
    throw new AppError('SUBSCRIPTION_DATE_INVALID', `not a YYYY-MM-DD date: ${input.until}`, {
      details: { until: input.until },
    });
  const account = await findAccount(db, input.account);
  await db.query('UPDATE accounts SET subscription_until = $2 WHERE id = $1', [account.id, until.data]);
  return findAccount(db, account.id);
}
