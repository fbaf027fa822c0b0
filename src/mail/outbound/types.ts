/**
 * Delivery Status Notification parameters (RFC 3461) carried from the incoming transaction, in
 * their wire form: ENVID and ORCPT stay xtext (or RFC 6533 utf-8-addr) encoded, exactly as the
 * client wrote them, because decoding and re-encoding them is not lossless.
 */
export interface DsnParams {
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** Per recipient address (lower-cased). */
  notify?: Record<string, string>;
  orcpt?: Record<string, string>;
}

/** A message ready to leave: the exact bytes and the SMTP envelope. */
export interface OutgoingMail {
  from: string;
  to: string[];
  raw: Uint8Array;
  dsn?: DsnParams;
}

/**
 * Where outgoing mail goes: the provider's MTA (relay) in production, the dev mailbox otherwise.
 * `send` resolves once the next hop accepted the message for every recipient, and throws otherwise.
 */
export interface MailTransport {
  readonly name: 'relay' | 'dev';
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}
