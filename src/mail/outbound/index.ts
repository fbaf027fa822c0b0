export { createMailTransport } from './create-transport.js';
export { mailDeliverJob } from './deliver-job.js';
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
  MAIL_DELIVER_JOB,
  type OutboxEntry,
  type OutboxMail,
} from './outbox.js';
export {
  has8BitBytes,
  parseRelayUrl,
  type RelayMessage,
  type RelayTarget,
  relayMailTransport,
  relaySend,
} from './relay-transport.js';
export {
  openSmtpSession,
  SmtpClientError,
  type SmtpRecipientResult,
  type SmtpReply,
  type SmtpSession,
  sendSmtp,
} from './smtp-client.js';
export type { DsnParams, MailTransport, OutgoingMail } from './types.js';
