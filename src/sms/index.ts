export { type CheckCodeInput, type CheckCodeResult, checkCode } from './check-code.js';
export { createSmsSender } from './create-sms-sender.js';
export { type DeliverSmsOutcome, deliverSms } from './deliver-sms.js';
export type { SmsDeps } from './deps.js';
export { type DevSms, devSmsSender, listDevSms } from './dev-outbox.js';
export { findPhoneConfirmation, type PhoneConfirmation } from './find-phone-confirmation.js';
export { type CodeStatus, getCodeStatus } from './get-code-status.js';
export { listSmsMessages, type SmsMessageSummary } from './list-sms-messages.js';
export { type SmsMetrics, smsMetrics } from './metrics.js';
export { loadOrCreateSecret, resolveOtpSecret } from './otp-crypto.js';
export { type MobileNumber, maskPhoneNumber, parseMobileNumber } from './phone.js';
export { ovhSignature, ovhSmsSender } from './providers/ovh.js';
export { isTransientSmsError, type SmsFailureReason } from './providers/provider-errors.js';
export { twilioSignature, twilioSmsSender, verifyTwilioSignature } from './providers/twilio.js';
export {
  type DeliveryReceipt,
  handleTwilioStatusCallback,
  recordDeliveryReceipt,
} from './record-delivery-receipt.js';
export type { Refusal } from './refusal.js';
export { type RequestCodeInput, type RequestCodeResult, requestCode } from './request-code.js';
export { type SendTestSmsResult, sendTestSms } from './send-test-sms.js';
export { smsSendJob } from './sms-send-job.js';
export { SMS_SEND_JOB } from './sms-send-job-kind.js';
export { gsm7Length, isGsm7, otpSmsText, SMS_MAX_SEPTETS, testSmsText } from './sms-text.js';
export {
  type OtpLimits,
  type OutgoingSms,
  type OvhSettings,
  type SmsProviderName,
  type SmsSender,
  type SmsSettings,
  smsProviderNames,
  type TwilioSettings,
} from './types.js';
