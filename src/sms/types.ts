/** One text message to a phone number in E.164 form. */
export interface OutgoingSms {
  toNumber: string;
  senderId: string;
  body: string;
  /** Our own id for the message (sms_messages.id), passed to gateways that echo a reference. */
  reference?: string;
  /** After this the text is useless (the code expired): gateways that can, stop trying then. */
  validUntil?: Date;
}

/**
 * A gateway that sends SMS. Resolves with the provider's message id once the provider accepted it.
 * Rejects with an AppError whose code says what to do: `SMS_PROVIDER_UNAVAILABLE` (transient:
 * timeouts, 429, 5xx; retry later), `SMS_NUMBER_REJECTED` (the number cannot receive SMS; tell the
 * signer) or `SMS_PROVIDER_FAILED` (credentials, credit, sender refused; the operator must act).
 */
export interface SmsSender {
  readonly name: string;
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}

export const smsProviderNames = ['dev', 'twilio', 'ovh'] as const;
export type SmsProviderName = (typeof smsProviderNames)[number];

/** Limits on one-time codes; every number comes from configuration. */
export interface OtpLimits {
  ttlSeconds: number;
  maxAttempts: number;
  resendSeconds: number;
  maxPerSignerPerHour: number;
  maxPerEnvelopePerDay: number;
  maxPerAccountPerHour: number;
  maxPerAccountPerDay: number;
  maxGlobalPerHour: number;
  maxGlobalPerDay: number;
}

export interface TwilioSettings {
  accountSid: string | undefined;
  authToken: string | undefined;
  /** When set, Twilio picks the sender from this Messaging Service instead of `From`. */
  messagingServiceSid: string | undefined;
  baseUrl: string;
  /** Where Twilio posts delivery receipts (StatusCallback); null = no receipts. */
  statusCallbackUrl: string | null;
}

export interface OvhSettings {
  endpoint: string;
  applicationKey: string | undefined;
  applicationSecret: string | undefined;
  consumerKey: string | undefined;
  serviceName: string | undefined;
}

/** The `sms` section of the configuration, as the domain receives it. */
export interface SmsSettings {
  provider: SmsProviderName;
  senderId: string;
  operatorName: string;
  /** PARAPHE_OTP_SECRET, or null to use the generated file of the embedded stack. */
  otpSecret: string | null;
  /** Attempts of the durable `sms.send` job (the first, inline try included). */
  sendMaxAttempts: number;
  /** Seconds a sender may hold a message before another may try it (crash safety). */
  sendLeaseSeconds: number;
  /** Seconds before the durable job first retries a message the inline try could not send. */
  retryDelaySeconds: number;
  /** Abort a provider call after this long: a hung gateway must not hold a signer's page. */
  httpTimeoutMs: number;
  limits: OtpLimits;
  twilio: TwilioSettings;
  ovh: OvhSettings;
}
