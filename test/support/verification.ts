import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sealDocument } from '../../src/pdf/index.js';
import { PKI_DIR, sampleEvidence, sampleSealOptions } from '../../src/pdf/testing/fixtures.js';
import type { VerificationDeps } from '../../src/verification/index.js';
import { buildWebApp } from '../../src/web/index.js';
import { freshDb } from './db.js';
import { makeTestPdf } from './make-pdf.js';
import { signingFixture } from './signing.js';
import { webDeps } from './web.js';

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A browser's multipart/form-data body: the file field (when given) and the hash field. */
export function verifierForm(o: { pdf?: Uint8Array; sha256?: string }): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----paraphe-test-boundary-7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  if (o.pdf)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="pdf"; filename="contrat-signe.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      Buffer.from(o.pdf),
      Buffer.from('\r\n'),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="sha256"\r\n\r\n${o.sha256 ?? ''}\r\n--${boundary}--\r\n`,
    ),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
  };
}

export interface VerifierFixture {
  app: ReturnType<typeof buildWebApp>;
  /** Sealed with the test PKI's RSA key and recorded as the sealed document of envelope "Contrat verify-1". */
  sealedPdf: Uint8Array;
  /** The SHA-256 of that envelope's original document. */
  originalSha: string;
  maxPdfBytes: number;
  close(): Promise<void>;
}

/**
 * The web app serving /verifier over a fresh database holding one envelope (signers "Alice Dupont"
 * and bob@example.test) whose sealed document is `sealedPdf`; the test PKI's root is trusted.
 */
export async function verifierFixture(
  o: { maxPdfBytes?: number; padToBytes?: number } = {},
): Promise<VerifierFixture> {
  const db = await freshDb();
  const fixture = await signingFixture({ db });
  const envelope = await fixture.newEnvelope('verify-1', ['alice@example.test', 'bob@example.test']);
  await db.query("UPDATE signers SET display_name = 'Alice Dupont' WHERE address = 'alice@example.test'");
  const originalSha =
    (await db.query<{ sha256: string }>('SELECT sha256 FROM documents')).rows[0]?.sha256 ?? '';
  const sealedPdf = (
    await sealDocument({
      pdfBytes: await makeTestPdf({ pages: 1, ...(o.padToBytes ? { padToBytes: o.padToBytes } : {}) }),
      stamps: [],
      evidence: sampleEvidence(),
      seal: sampleSealOptions(),
    })
  ).pdfBytes;
  await db.query(
    `INSERT INTO sealed_documents (document_id, envelope_id, sha256, size_bytes, kind, created_at)
     VALUES ($1, $2, $3, $4, 'certification', now())`,
    [envelope.documentId, envelope.envelopeId, sha256Hex(sealedPdf), sealedPdf.length],
  );
  const root = new Uint8Array(new X509Certificate(readFileSync(path.join(PKI_DIR, 'root.pem'))).raw);
  const web = await webDeps(db);
  const maxPdfBytes = o.maxPdfBytes ?? 2 * 1024 * 1024;
  const verification: VerificationDeps = {
    db,
    clock: web.clock,
    getTrust: () => ({ roots: [root], source: 'option', files: [], isTest: false }),
    settings: { maxPdfBytes, ratePerIpPerMinute: 50 },
  };
  const app = buildWebApp({ ...web, verification });
  return {
    app,
    sealedPdf,
    originalSha,
    maxPdfBytes,
    async close() {
      await app.close();
      await fixture.close();
    },
  };
}
