import { addDocumentTimestamp, addValidationData } from '../pdf/ltv/index.js';
import type { TimestampClient } from '../pdf/pades/index.js';
import { collectValidationData, type FetchRevocation } from './collect-validation-data.js';

/**
 * Raises a signed PDF to PAdES B-LT (a DSS with validation data for every signature and
 * timestamp in it) or B-LTA (then a document timestamp over all of it). Run again on a B-LTA
 * file, it adds fresh data for the newest timestamp and a new document timestamp: the archive
 * stays verifiable past the lifetime of each certificate involved.
 */
export async function extendLtv(
  pdfBytes: Uint8Array,
  o: {
    level: 'B-LT' | 'B-LTA';
    timestamp?: TimestampClient;
    extraCertificates?: readonly Uint8Array[];
    fetchRevocation?: FetchRevocation;
  },
): Promise<{ pdfBytes: Uint8Array; sha256: string }> {
  const data = await collectValidationData(pdfBytes, o);
  const withDss = await addValidationData(pdfBytes, data);
  if (o.level === 'B-LT') return withDss;
  if (!o.timestamp) throw new Error('B-LTA needs a timestamp authority');
  return addDocumentTimestamp(withDss.pdfBytes, { timestamp: o.timestamp });
}
