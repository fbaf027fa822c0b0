import type { Queryable } from '../db/index.js';
import { AppError } from '../shared/errors.js';
import { findAccount } from './account-queries.js';
import { type Account, CalendarDaySchema } from './types.js';

/** The YYYY-MM-DD day as given, or SUBSCRIPTION_DATE_INVALID when it is not a day that exists. */
export function parseSubscriptionDay(input: string): string {
  const until = CalendarDaySchema.safeParse(input);
  if (!until.success)
    throw new AppError('SUBSCRIPTION_DATE_INVALID', `not a YYYY-MM-DD date: ${input}`, {
      details: { until: input },
    });
  return until.data;
}

/** Sets the last day of an account's subscription (inclusive); the provider's billing calls this. */
export async function setSubscription(
  db: Queryable,
  input: { account: string; until: string },
): Promise<Account> {
  const until = parseSubscriptionDay(input.until);
  const account = await findAccount(db, input.account);
  await db.query('UPDATE accounts SET subscription_until = $2 WHERE id = $1', [account.id, until]);
  return findAccount(db, account.id);
}
