export { type DevSms, devSmsSender, listDevSms } from './dev-outbox.js';
export type { OutgoingSms, SmsSender } from './types.js';
