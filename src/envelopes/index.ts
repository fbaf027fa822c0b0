export { chooseSigners, type SignerChoice } from './choose-signers.js';
export { completeSignerTurn, type SignerTurnOutcome } from './complete-signer-turn.js';
export { type CreateEnvelopeResult, createEnvelope, type NewEnvelope } from './create-envelope.js';
export { declineEnvelope } from './decline-envelope.js';
export {
  endEnvelope,
  listExpiredEnvelopes,
  markEnvelopeCompleted,
  markEnvelopeSealFailed,
  reopenEnvelopeSeal,
} from './end-envelope.js';
export {
  countEnvelopes,
  type EnvelopeDetails,
  findEnvelopeByDedupeKey,
  findSignerByToken,
  findSigningDetailsByToken,
  getEnvelope,
} from './find-envelope.js';
export { issueSignerLink, signingUrl } from './issue-signer-link.js';
export type {
  Envelope,
  EnvelopeDocument,
  EnvelopeStatus,
  MailAddress,
  Signer,
  SignerStatus,
} from './types.js';
export { envelopeStatuses, signerStatuses } from './types.js';
