export type { Evidence, SealFacts } from './evidence/evidence.js';
export { assertSignable } from './inspect/assert-signable.js';
export {
  inspectPdf,
  type PdfEncryption,
  type PdfInspection,
  type PdfPageInspection,
  type PdfSignatureInspection,
} from './inspect/inspect-pdf.js';
export { newestTimestampExpiry } from './ltv/index.js';
export type { SealKey, SealLevel, TimestampClient } from './pades/types.js';
export {
  type SealDocumentInput,
  type SealedDocument,
  type SealOptions,
  sealDocument,
} from './seal/seal-document.js';
export type { Stamp, VisualRect } from './stamp/apply-stamps.js';
export { type PreparedSignatureImage, prepareSignatureImage } from './stamp/ink.js';
