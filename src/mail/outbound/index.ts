export {
  type DevMailSummary,
  devMailTransport,
  getDevMail,
  listDevMail,
  storeDevMail,
} from './dev-mailbox.js';
export type { DsnParams, MailTransport, OutgoingMail } from './types.js';
