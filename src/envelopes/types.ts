/**
 * Lifecycle of an envelope. `sealing`: every signer signed and the seal job runs. `seal_failed`:
 * the seal failed for a reason a retry cannot cure; it waits for an operator (cancel, or reseal).
 */
export const envelopeStatuses = [
  'pending',
  'sealing',
  'completed',
  'declined',
  'expired',
  'cancelled',
  'seal_failed',
] as const;
export type EnvelopeStatus = (typeof envelopeStatuses)[number];

/** A signer waits for their turn, holds it (`current`), then signs or declines. */
export const signerStatuses = ['waiting', 'current', 'signed', 'declined'] as const;
export type SignerStatus = (typeof signerStatuses)[number];

export interface Envelope {
  id: string;
  accountId: string;
  mailboxId: string;
  senderAddress: string;
  subject: string;
  locale: 'fr' | 'en';
  status: EnvelopeStatus;
  messageId: string | null;
  queueId: string | null;
  rawSha256: string;
  expiresAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface EnvelopeDocument {
  id: string;
  envelopeId: string;
  position: number;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  pageCount: number;
  hasSignatures: boolean;
}

export interface Signer {
  id: string;
  envelopeId: string;
  position: number;
  address: string;
  displayName: string | null;
  status: SignerStatus;
  turnStartedAt: Date | null;
  signedAt: Date | null;
  declinedAt: Date | null;
}

/** An address from a To or Cc header. */
export interface MailAddress {
  address: string;
  name: string | null;
}
