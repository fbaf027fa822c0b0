export { endSigning } from './cancel-envelope.js';
export { declineSigning } from './decline-signing.js';
export type { SealSettings, SigningDeps, SigningSettings } from './deps.js';
export { hitRateLimit } from './hit-rate-limit.js';
export {
  envelopeStatusAt,
  loadSignerTurn,
  loadSigningPage,
  type SigningState,
  type SigningView,
  signingStateOf,
} from './load-signing-page.js';
export { renewLongTermValidation } from './renew-long-term-validation.js';
export { sealEnvelope, sealedFileName } from './seal-envelope.js';
export { SEAL_JOB } from './seal-job-kind.js';
export { findSealedDownload, type SealedDownload } from './sealed-downloads.js';
export { checkSigningCode, sendSigningCode } from './send-signing-code.js';
export { MAX_SIGNATURE_PNG_BYTES } from './signature-image.js';
export { LTV_RENEW_JOB, SWEEP_JOB, signingJobs, signingSchedules } from './signing-jobs.js';
export {
  PLACEMENT_LIMITS,
  type Placement,
  PlacementSchema,
  type SubmitSignatureInput,
  type SubmitSignatureResult,
  submitSignature,
} from './submit-signature.js';
export {
  expireEnvelopes,
  remindSigners,
  requeueSeal,
  resealEnvelope,
  sweepSigning,
  sweepStuckSeals,
} from './sweep-signing.js';
