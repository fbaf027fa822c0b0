import type { Envelope, EnvelopeDocument, Signer } from './types.js';

export interface EnvelopeRow {
  id: string;
  account_id: string;
  mailbox_id: string;
  sender_address: string;
  subject: string;
  locale: Envelope['locale'];
  status: Envelope['status'];
  message_id: string | null;
  queue_id: string | null;
  raw_sha256: string;
  expires_at: Date;
  created_at: Date;
  finished_at: Date | null;
}

export function toEnvelope(r: EnvelopeRow): Envelope {
  return {
    id: r.id,
    accountId: r.account_id,
    mailboxId: r.mailbox_id,
    senderAddress: r.sender_address,
    subject: r.subject,
    locale: r.locale,
    status: r.status,
    messageId: r.message_id,
    queueId: r.queue_id,
    rawSha256: r.raw_sha256,
    expiresAt: new Date(r.expires_at),
    createdAt: new Date(r.created_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  };
}

export interface SignerRow {
  id: string;
  envelope_id: string;
  position: number;
  address: string;
  display_name: string | null;
  status: Signer['status'];
  turn_started_at: Date | null;
  signed_at: Date | null;
  declined_at: Date | null;
}

const dateOrNull = (d: Date | null) => (d ? new Date(d) : null);

export function toSigner(r: SignerRow): Signer {
  return {
    id: r.id,
    envelopeId: r.envelope_id,
    position: r.position,
    address: r.address,
    displayName: r.display_name,
    status: r.status,
    turnStartedAt: dateOrNull(r.turn_started_at),
    signedAt: dateOrNull(r.signed_at),
    declinedAt: dateOrNull(r.declined_at),
  };
}

export interface DocumentRow {
  id: string;
  envelope_id: string;
  position: number;
  file_name: string;
  sha256: string;
  size_bytes: number;
  page_count: number;
  has_signatures: boolean;
}

export function toDocument(r: DocumentRow): EnvelopeDocument {
  return {
    id: r.id,
    envelopeId: r.envelope_id,
    position: r.position,
    fileName: r.file_name,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    pageCount: r.page_count,
    hasSignatures: r.has_signatures,
  };
}
