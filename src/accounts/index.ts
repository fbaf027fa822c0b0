export { findAccount, listAccounts } from './account-queries.js';
export { addMailbox } from './add-mailbox.js';
export { parisCalendarDay } from './calendar.js';
export { createAccount } from './create-account.js';
export { findSenderMailbox } from './find-sender-mailbox.js';
export { setSubscription } from './set-subscription.js';
export type { Account, SenderMailbox } from './types.js';
