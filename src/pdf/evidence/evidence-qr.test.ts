import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { sealDocument } from '../seal/seal-document.js';
import { sampleEvidence, sampleSealOptions } from '../testing/fixtures.js';
import { PdfTools } from '../testing/tools.js';

const tools = new PdfTools();
after(() => tools.cleanup());

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595.28, 841.89]);
  return doc.save();
}

/** What zbarimg (Debian's zbar-tools, not our code) reads on the last page rendered at 150 dpi. */
function qrTextOnLastPage(pdfBytes: Uint8Array): string | null {
  const file = tools.file(pdfBytes);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
  const prefix = path.join(tools.dir, `qr-${pages}-${Date.now()}`);
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '150',
    '-f',
    String(pages),
    '-l',
    String(pages),
    '-singlefile',
    file,
    prefix,
  ]);
  const result = spawnSync('zbarimg', ['-q', '--raw', `${prefix}.png`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

describe('the evidence page’s link to the verification page', () => {
  const url = `https://sign.example.fr/verifier?sha256=${'ab'.repeat(32)}`;

  it('prints the URL and a QR code for it that a reader decodes to the same URL', async () => {
    const sealed = await sealDocument({
      pdfBytes: await onePagePdf(),
      stamps: [],
      evidence: { ...sampleEvidence(), verificationUrl: url },
      seal: sampleSealOptions(),
    });
    const lastPage =
      tools
        .text(sealed.pdfBytes)
        .split('\f')
        .filter((p) => p.trim())
        .at(-1) ?? '';
    assert.match(lastPage, /Vérifier en ligne/);
    assert.ok(lastPage.replace(/\s+/g, '').includes(url), lastPage);
    assert.equal(qrTextOnLastPage(sealed.pdfBytes), url);
    assert.ok(tools.pdfsig(sealed.pdfBytes).every((s) => s.isValid));
  });

  it('draws no QR code when there is no URL to give', async () => {
    const sealed = await sealDocument({
      pdfBytes: await onePagePdf(),
      stamps: [],
      evidence: sampleEvidence(),
      seal: sampleSealOptions(),
    });
    assert.equal(qrTextOnLastPage(sealed.pdfBytes), null);
  });
});
