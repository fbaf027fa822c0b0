/** One text message to a phone number in E.164 form. */
export interface OutgoingSms {
  toNumber: string;
  senderId: string;
  body: string;
}

/** A gateway that sends SMS. Resolves with the provider's message id once the provider accepted it. */
export interface SmsSender {
  readonly name: string;
  send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}
