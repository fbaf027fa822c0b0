import { AppError } from '../../shared/errors.js';
import type { TimestampClient } from '../pades/types.js';
import { addSignatureField } from '../seal/document-parts.js';
import { signatureDictionary, writeSignedUpdate } from '../seal/signed-update.js';
import { verifySealedOutput } from '../seal/verify-output.js';
import { openSignedForUpdate } from './load-signed.js';

/** A token with the TSA's chain measured 3–6 KB; the rest is headroom for longer chains. */
const DEFAULT_CONTENTS_SIZE = 16 * 1024;

/**
 * Adds a document timestamp (PAdES B-LTA; /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161): an
 * invisible signature field on the last page whose /Contents is an RFC 3161 token over the byte
 * ranges, in an incremental update. It covers the DSS written before it, so validation data and
 * earlier timestamps stay provable after their certificates expire. ISO 32000-2 (12.8.2.2) lets it
 * follow a P=1 certification.
 */
export async function addDocumentTimestamp(
  pdfBytes: Uint8Array,
  o: { timestamp: TimestampClient; contentsSize?: number },
): Promise<{ pdfBytes: Uint8Array; sha256: string }> {
  const { pdf, edit } = await openSignedForUpdate(pdfBytes, 'add a document timestamp');
  const page = pdf.pages[pdf.pages.length - 1];
  if (!page) throw new AppError('PDF_DAMAGED', 'the document has no page to hold the timestamp field');
  const signatureRef = edit.reserve();
  addSignatureField(edit, {
    signatureRef,
    pageRef: page.ref,
    page: page.dict,
    baseName: 'Paraphe timestamp',
  });
  edit.markChanged(page.ref);
  const signed = await writeSignedUpdate({
    edit,
    signatureRef,
    dictionary: signatureDictionary(
      '/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161',
      o.contentsSize ?? DEFAULT_CONTENTS_SIZE,
    ),
    sign: (digest) => o.timestamp.timestamp(digest),
  });
  verifySealedOutput({
    original: pdfBytes,
    output: signed.output,
    pageCount: pdf.pages.length,
    stampedPages: [],
    signatureNumber: signatureRef.objectNumber,
    byteRange: signed.byteRange,
  });
  const { output } = signed;
  return { pdfBytes: new Uint8Array(output.buffer, output.byteOffset, output.length), sha256: signed.sha256 };
}
