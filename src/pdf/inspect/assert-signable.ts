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
  if (inspection.isCertified) {
    // A certification forbids the page content changes that stamps and the evidence page are.
    throw new AppError('PDF_CERTIFIED', `${fileName}: already certified`, { details });
  }
  if (inspection.isDynamicXfa) {
    throw new AppError('PDF_DYNAMIC_XFA', `${fileName}: dynamic XFA form`, { details });
  }
}
