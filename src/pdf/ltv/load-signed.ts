import { AppError } from '../../shared/errors.js';
import { PdfEdit } from '../core/edit.js';
import { type LoadedPdf, loadPdf } from '../core/load.js';

/**
 * Opens a signed PDF for an update on top: its cross-reference chain must be sound, since a
 * repairing update would make each viewer reread the signed revisions in its own way.
 */
export async function openSignedForUpdate(
  pdfBytes: Uint8Array,
  purpose: string,
): Promise<{ pdf: LoadedPdf; edit: PdfEdit }> {
  const pdf = await loadPdf(pdfBytes, { isLazy: true });
  if (!pdf.xref.isValid)
    throw new AppError(
      'PDF_DAMAGED',
      `cannot ${purpose}: the cross-references are broken (${pdf.xref.problem})`,
    );
  return { pdf, edit: new PdfEdit(pdf) };
}
