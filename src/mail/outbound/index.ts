export { createMailTransport } from './create-transport.js';
export { mailDeliverJob } from './deliver-job.js';
export {
  type DevMailSummary,
  devMailTransport,
  getDevMail,
  listDevMail,
  storeDevMail,
} from './dev-mailbox.js';
export { buildWithOriginal, type OriginalAttachment } from './original-attachment.js';
export {
  type DeliveryOutcome,
  deliverNow,
  deliverOutgoingMail,
  enqueueOutgoingMail,
  listOutgoingMail,
  MAIL_DELIVER_JOB,
  type OutboxDeliveryDeps,
  type OutboxEntry,
  type OutboxMail,
  type OutboxStatus,
  type RefusalNotice,
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
