export type { VerificationDeps } from './deps.js';
export type { EnvelopeMatch } from './find-documents-by-hash.js';
export { lookUpHash } from './look-up-hash.js';
export { maskName } from './mask-name.js';
export { type DocumentVerdict, verifyDocument } from './verify-document.js';
