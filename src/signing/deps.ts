import type { BillingDeps } from '../billing/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { Db } from '../db/index.js';
import type { FetchRevocation } from '../keys/index.js';
import type { SealKey, SealLevel, TimestampClient } from '../pdf/index.js';
import type { Clock } from '../shared/clock.js';
import type { Locale } from '../shared/i18n/index.js';
import type { Ids } from '../shared/ids.js';
import type { SmsDeps } from '../sms/index.js';

/** The `signing` section of the configuration. */
export interface SigningSettings {
  /** Base of every link we send (`<publicUrl>/s/<token>`, `<publicUrl>/d/<token>`). */
  publicUrl: string;
  /** A code confirmed longer ago than this no longer allows a submit. */
  codeFreshSeconds: number;
  reminderAfterDays: number;
  reminderEveryDays: number;
  reminderMax: number;
  /** Sealed PDFs larger than this (together) are offered by link instead of attached. */
  sealedAttachMaxBytes: number;
  ratePerIpPerMinute: number;
  ratePerTokenPerMinute: number;
  /** An envelope `sealing` this long without a live seal job is enqueued again by the sweep. */
  sealStuckMinutes: number;
  /** How often the sweep (expiry, reminders, stuck seals) runs. */
  sweepSeconds: number;
  /** From address of the notifications. */
  notifyFrom: string;
}

/** How the seal job signs: the key is loaded lazily (once) so web-only processes never touch it. */
export interface SealSettings {
  getKey(): Promise<SealKey>;
  reason(locale: Locale): string;
  location: string;
  contactInfo: string;
  docMdpPermissions: 1 | 2;
  timestamp?: TimestampClient;
  locale: Locale;
  /** PAdES level written (B-T and above use `timestamp`; B-LT and B-LTA also fetch revocation data). */
  level: SealLevel;
  /** Replaces the OCSP/CRL client (tests). */
  fetchRevocation?: FetchRevocation;
  /** Long-term seals get a new document timestamp this many days before their newest one expires. */
  ltvRenewMarginDays?: number;
}

/** What the signing use cases need; built once by the composition root. */
export interface SigningDeps {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  sms: SmsDeps;
  settings: SigningSettings;
  seal: SealSettings;
  /** Price rules and counters: each signature is charged (or free) in its own transaction. */
  billing: BillingDeps;
  /**
   * Called with outbox ids once the transaction that queued them committed: delivers at once for
   * speed (the durable mail.deliver job stays the guarantee).
   */
  deliverSoon?: (outboxIds: string[]) => void;
}
