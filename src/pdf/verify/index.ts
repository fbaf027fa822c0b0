export { checkCrl, checkOcsp, type RevocationStatus } from './revocation.js';
export type { ChangeReport, SignatureReport, VerifyPdfOptions, VerifyPdfReport } from './types.js';
export { verifyPdf } from './verify-pdf.js';
