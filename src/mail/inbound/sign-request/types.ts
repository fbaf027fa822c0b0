import type { SenderMailbox } from '../../../accounts/index.js';
import type { BillingDeps } from '../../../billing/index.js';
import type { BlobStore } from '../../../blobs/index.js';
import type { Db } from '../../../db/index.js';
import type { PdfInspection } from '../../../pdf/index.js';
import type { Clock } from '../../../shared/clock.js';
import type { Ids } from '../../../shared/ids.js';
import type { DsnParams } from '../../outbound/index.js';

/** The `envelopes` section of the configuration. */
export interface SignRequestConfig {
  /** Subject marker that makes a message a signature request (`*SIGN`). */
  marker: string;
  maxSigners: number;
  /** Largest attachment (decoded) a request may carry. */
  maxAttachmentBytes: number;
  /** Base of the signing links (`<publicUrl>/s/<token>`). */
  publicUrl: string;
  /** An envelope not completed after this many days expires. */
  expiryDays: number;
  /** From address of the replies Paraphe writes to senders. */
  notifyFrom: string;
  /** Largest reply the next hop takes (PARAPHE_MAIL_MAX_BYTES): beyond, the original is left out. */
  maxReplyBytes: number;
}

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
  | { outcome: 'created'; envelopeId: string }
  | { outcome: 'duplicate'; envelopeId: string }
  /** `replyOutboxId`: the reply to the sender queued by this delivery (none on a retry). */
  | { outcome: 'refused'; problems: string[]; replyOutboxId?: string };

export interface SignRequestDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  inspectPdf: (pdfBytes: Uint8Array) => Promise<PdfInspection>;
  config: SignRequestConfig;
  /** The price rules and counters: a request is accepted only if the balance covers its hold. */
  billing: BillingDeps;
}
