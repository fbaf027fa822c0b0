export { assertSignable } from './inspect/assert-signable.js';
export {
  inspectPdf,
  type PdfEncryption,
  type PdfInspection,
  type PdfPageInspection,
  type PdfSignatureInspection,
} from './inspect/inspect-pdf.js';
