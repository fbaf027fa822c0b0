import { AppError } from '../../shared/errors.js';
import type { PdfInspection } from './inspect-pdf.js';

/**
 * Throws the AppError a sender should read when this PDF cannot be sealed; returns when it can.
 * Order matters: a password-protected file is often also "damaged" to a parser that cannot decrypt
 * it, and the password is what the sender can act on.
 */
export function assertSignable(inspection: PdfInspection, fileName = 'document.pdf'): void {
  const details = { fileName };
  if (inspection.encryption === 'user-password') {
    throw new AppError('PDF_ENCRYPTED_USER_PASSWORD', `${fileName}: encrypted with a user password`, {
      details,
    });
  }
  if (inspection.encryption === 'owner-password') {
    throw new AppError('PDF_ENCRYPTED_OWNER_PASSWORD', `${fileName}: encrypted (owner password only)`, {
      details,
    });
  }
  if (inspection.version === null) {
    throw new AppError('PDF_NOT_PDF', `${fileName}: not a PDF (${inspection.damageReason ?? 'unreadable'})`, {
      details,
    });
  }
  if (inspection.damage === 'unrepairable') {
    throw new AppError(
      'PDF_DAMAGED',
      `${fileName}: damaged beyond repair (${inspection.damageReason ?? '?'})`,
      {
        details,
      },
    );
  }
  if (inspection.pageCount === 0) {
    throw new AppError('PDF_NO_PAGES', `${fileName}: no pages`, { details });
  }
  const certification = inspection.signatures.find((s) => s.isCertification);
  if (certification?.docMdpPermissions === 1) {
    throw new AppError('PDF_CERTIFIED', `${fileName}: already certified (DocMDP P=1)`, { details });
  }
  if (certification) {
    // P=2 allows form filling and signing, P=3 also annotations; no level allows new pages (the
    // evidence record) or page content changes (the stamps), which every seal makes.
    throw new AppError(
      'PDF_CERTIFIED_FORBIDS_SEAL',
      `${fileName}: certified with DocMDP P=${certification.docMdpPermissions}, which forbids new pages and content changes`,
      { details },
    );
  }
  if (inspection.isDynamicXfa) {
    throw new AppError('PDF_DYNAMIC_XFA', `${fileName}: dynamic XFA form`, { details });
  }
}
