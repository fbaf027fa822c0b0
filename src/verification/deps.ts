import type { Db } from '../db/index.js';
import type { TrustAnchors } from '../keys/index.js';
import type { Clock } from '../shared/clock.js';

/** What the public verification use cases need; built once by the composition root. */
export interface VerificationDeps {
  db: Db;
  clock: Clock;
  /** The roots a seal must chain to (read once, on first use). */
  getTrust(): TrustAnchors;
  settings: {
    /** Largest PDF the page accepts (the same limit as a *SIGN attachment). */
    maxPdfBytes: number;
    /** The page's own per-IP budget of POSTs (the signing pages' limit, counted apart). */
    ratePerIpPerMinute: number;
  };
}
