import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { ensureLocalPkiServices, localTsaUrl } from '../../../test/support/pdf-validate.js';
import { child, der, parseDer, rawOf } from '../pades/der.js';
import type { TimestampClient } from '../pades/types.js';
import { makePng, PKI_DIR, sampleEvidence, sampleSealOptions } from '../testing/fixtures.js';
import { PdfTools } from '../testing/tools.js';
import { sealDocument } from './seal-document.js';

/** A bare RFC 3161 client over HTTP (the product's, with failover, lives in keys/). */
const localTsa: TimestampClient = {
  async timestamp(imprint) {
    const request = der.seq(
      der.int(1),
      der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1')), der.octets(imprint)),
      der.bool(true),
    );
    const response = await fetch(localTsaUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body: Buffer.from(request),
    });
    assert.equal(response.status, 200);
    return rawOf(child(parseDer(new Uint8Array(await response.arrayBuffer())), 1));
  },
};

const tools = new PdfTools();
after(() => tools.cleanup());

describe('sealDocument with a timestamp authority', () => {
  before(async () => {
    // Left running: other test files share these loopback services (the script is idempotent).
    await ensureLocalPkiServices();
  });

  it('writes a PAdES B-T certification the independent validator accepts', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText('Contract', { x: 50, y: 780 });
    const sealed = await sealDocument({
      pdfBytes: await doc.save(),
      stamps: [
        {
          page: 1,
          rect: { x: 50, y: 100, width: 180, height: 70 },
          imagePng: makePng({ width: 300, height: 120, inset: 8 }),
          signerName: 'Jeanne Martin',
          signedAt: new Date(),
        },
      ],
      evidence: sampleEvidence(),
      seal: sampleSealOptions({ timestamp: localTsa }),
    });
    const [signature] = tools.pdfsig(sealed.pdfBytes);
    assert.ok(signature?.isValid && signature.isTotal, signature?.text);
    const result = spawnSync(
      path.resolve(PKI_DIR, '../validate-pdf.sh'),
      [tools.file(sealed.pdfBytes), '--trust', path.join(PKI_DIR, 'root.pem')],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /\bB-T\b/);
    assert.match(result.stdout, /VERDICT: VALID/);
  });
});
