import type { SenderMailbox } from '../../accounts/index.js';
import type { DsnParams } from '../outbound/index.js';

/** What the filter hands to the envelopes side for a *SIGN message from a customer's mailbox. */
export interface SignRequestInput {
  raw: Uint8Array;
  mailFrom: string;
  recipients: string[];
  queueId?: string;
  dsn?: DsnParams;
  sender: SenderMailbox;
  receivedAt: Date;
}

export type SignRequestOutcome =
  | { outcome: 'created' | 'duplicate'; envelopeId: string }
  | { outcome: 'refused'; problems: string[] };

/**
 * The use case behind a *SIGN message (src/mail/inbound/sign-request, envelopes side). When it
 * resolves, everything is durable (envelope, copies in the outbox, or the reply to the sender),
 * so the filter answers 250 for every recipient; when it throws, 451 and the MTA retries.
 */
export type SignRequestHandler = (input: SignRequestInput) => Promise<SignRequestOutcome>;
