export { findAccount, listAccounts } from './account-queries.js';
export { addMailbox } from './add-mailbox.js';
export { parisCalendarDay } from './calendar.js';
export { createAccount } from './create-account.js';
export { findSenderMailbox } from './find-sender-mailbox.js';
export { setSubscription } from './set-subscription.js';
export {
  type Account,
  AccountNameSchema,
  CalendarDaySchema,
  MailboxAddressSchema,
  type SenderMailbox,
} from './types.js';
