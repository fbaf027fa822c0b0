import type { Registry } from 'prom-client';
import type { BlobStore } from '../blobs/index.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { SigningDeps } from '../signing/index.js';
import type { SmsDeps } from '../sms/index.js';
import type { VerificationDeps } from '../verification/index.js';

/** What the web adapter needs from the composition root (src/app). */
export interface WebDeps {
  config: {
    isDev: boolean;
    publicUrl: string;
    http: { isHttps: boolean; trustProxy: boolean };
  };
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  metrics: Registry;
  /** When present, provider webhooks (SMS delivery receipts) are served. */
  sms?: SmsDeps;
  /** When present, the signer's pages (/s/:token) and sealed downloads (/d/:token) are served. */
  signing?: SigningDeps;
  /** When present, the public verification page (/verifier) is served. */
  verification?: VerificationDeps;
}
