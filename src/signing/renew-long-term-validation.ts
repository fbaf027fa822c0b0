import { extendLtv } from '../keys/index.js';
import { newestTimestampExpiry } from '../pdf/index.js';
import type { SigningDeps } from './deps.js';

interface DueRow {
  document_id: string;
  sha256: string;
  ltv_expires_at: Date;
}

/**
 * Keeps stored long-term seals provable: each sealed document whose newest timestamp expires within
 * the margin gets fresh validation data and a new document timestamp (B-LTA), and its row then
 * points at the extended file. The update is conditional on the file it started from, so two
 * workers never both replace it. A renewal that would not push the expiry later (the TSA still
 * signs with the same certificate) is not written: `stuck` counts those, for the operator.
 */
export async function renewLongTermValidation(
  deps: SigningDeps,
  o: { limit?: number } = {},
): Promise<{ renewed: number; stuck: number }> {
  const { level, timestamp } = deps.seal;
  if ((level !== 'B-LT' && level !== 'B-LTA') || !timestamp) return { renewed: 0, stuck: 0 };
  const marginMs = (deps.seal.ltvRenewMarginDays ?? 90) * 86_400_000;
  const { rows } = await deps.db.query<DueRow>(
    `SELECT document_id, sha256, ltv_expires_at FROM sealed_documents
     WHERE ltv_expires_at IS NOT NULL AND ltv_expires_at <= $1 ORDER BY ltv_expires_at LIMIT $2`,
    [new Date(deps.clock.now().getTime() + marginMs), o.limit ?? 20],
  );
  if (rows.length === 0) return { renewed: 0, stuck: 0 };
  const key = await deps.seal.getKey();
  let renewed = 0;
  let stuck = 0;
  for (const row of rows) {
    const extended = await extendLtv(await deps.blobs.get(row.sha256), {
      level: 'B-LTA',
      timestamp,
      extraCertificates: [key.certificate, ...key.chain],
      ...(deps.seal.fetchRevocation ? { fetchRevocation: deps.seal.fetchRevocation } : {}),
    });
    const expiresAt = await newestTimestampExpiry(extended.pdfBytes);
    if (!expiresAt || expiresAt.getTime() <= new Date(row.ltv_expires_at).getTime()) {
      stuck++;
      continue;
    }
    const blob = await deps.blobs.put(extended.pdfBytes);
    // Conditional on the file we extended: a concurrent renewal wins, ours is dropped.
    const updated = await deps.db.query(
      `UPDATE sealed_documents SET sha256 = $3, size_bytes = $4, ltv_expires_at = $5
       WHERE document_id = $1 AND sha256 = $2 RETURNING document_id`,
      [row.document_id, row.sha256, blob.sha256, blob.sizeBytes, expiresAt],
    );
    if (updated.rows.length > 0) renewed++;
  }
  return { renewed, stuck };
}
