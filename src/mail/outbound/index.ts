export { createMailTransport } from './create-transport.js';
export { mailDeliverJob } from './deliver-job.js';
export {
  type DevMailSummary,
  devMailTransport,
  getDevMail,
  getDevMailSummary,
  listDevMail,
  storeDevMail,
} from './dev-mailbox.js';
export {
  enqueueOutgoingMail,
  MAIL_DELIVER_JOB,
  type OutboxMail,
  type RefusalNotice,
} from './enqueue-outgoing-mail.js';
export { buildWithOriginal, type OriginalAttachment } from './original-attachment.js';
export {
  type DeliveryOutcome,
  deliverNow,
  deliverOutgoingMail,
  listOutgoingMail,
  type OutboxDeliveryDeps,
  type OutboxEntry,
  type OutboxStatus,
} from './outbox.js';
export { MAIL_PURGE_JOB, mailPurgeJob, mailPurgeSchedule, purgeOutbox } from './purge-outbox.js';
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
