export {
  type DevMailSummary,
  devMailTransport,
  getDevMail,
  listDevMail,
  storeDevMail,
} from './dev-mailbox.js';
export {
  type DeliveryOutcome,
  deliverOutgoingMail,
  enqueueOutgoingMail,
  listOutgoingMail,
  type OutboxEntry,
  type OutboxMail,
} from './outbox.js';
export type { DsnParams, MailTransport, OutgoingMail } from './types.js';
