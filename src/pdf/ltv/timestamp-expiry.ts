import { parseCertificate } from '../pades/x509.js';
import { certificatePathsOf } from './certificate-paths.js';
import { listSignatureContents } from './list-signature-contents.js';

/**
 * When the newest timestamp of a signed PDF stops proving anything: the earliest expiry in its
 * TSA's certificate path (the last document timestamp, else the last signature's own timestamp).
 * A new document timestamp must be added before then. Undefined when the file has no timestamp.
 */
export async function newestTimestampExpiry(pdfBytes: Uint8Array): Promise<Date | undefined> {
  const newest = (await listSignatureContents(pdfBytes)).at(-1);
  if (!newest) return undefined;
  const paths = certificatePathsOf(newest.contents);
  // A document timestamp is itself a token; a signature's first path is its signer's.
  const tsaPaths = newest.kind === 'document-timestamp' ? paths : paths.slice(1);
  const expiries = tsaPaths.flat().map((der) => parseCertificate(der).notAfter.getTime());
  return expiries.length > 0 ? new Date(Math.min(...expiries)) : undefined;
}
