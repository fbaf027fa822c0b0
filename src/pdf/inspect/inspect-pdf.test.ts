import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isAppError } from '../../shared/errors.js';
import { encrypt, PdfTools, rawPdf, streamObject } from '../testing/tools.js';
import { assertSignable } from './assert-signable.js';
import { inspectPdf } from './inspect-pdf.js';

const tools = new PdfTools();
after(() => tools.cleanup());
const CORPUS = path.resolve(import.meta.dirname, '../../../../shared/corpus/pdf');
const corpusFile = (name: string) => new Uint8Array(readFileSync(path.join(CORPUS, name)));

/** Three pages; the page tree node gives MediaBox, Rotate and Resources to pages that lack them. */
function inheritedPdf(): Uint8Array {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R 6 0 R] /Count 3 /MediaBox [0 0 600 800] /Rotate 90 /Resources << >> >>',
    '<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>',
    '<< /Type /Page /Parent 2 0 R /Rotate -90 /CropBox [50 100 550 700] /Contents 5 0 R >>',
    streamObject('0 0 m 10 10 l S'),
    '<< /Type /Page /Parent 2 0 R /MediaBox [100 200 400 600] /Rotate 0 /Contents 5 0 R >>',
  ]);
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('inspectPdf', () => {
  it('resolves MediaBox, CropBox and Rotate inherited from the page tree', async () => {
    const inspection = await inspectPdf(inheritedPdf());
    assert.equal(inspection.pageCount, 3);
    assert.deepEqual(inspection.pages[0], {
      number: 1,
      width: 800,
      height: 600,
      rotate: 90,
      mediaBox: [0, 0, 600, 800],
      cropBox: [0, 0, 600, 800],
    });
    assert.equal(inspection.pages[1]?.rotate, 270);
    assert.deepEqual(inspection.pages[1]?.cropBox, [50, 100, 550, 700]);
    assert.equal(inspection.pages[1]?.width, 600);
    assert.equal(inspection.pages[1]?.height, 500);
    assert.deepEqual(inspection.pages[2]?.mediaBox, [100, 200, 400, 600]);
    assert.equal(inspection.pages[2]?.width, 300);
    assert.equal(inspection.damage, 'none');
    assert.equal(inspection.encryption, 'none');
    assert.equal(inspection.version, '1.7');
  });

  it('reports a broken cross-reference table as repairable damage, and accepts it', async () => {
    const bytes = Buffer.from(inheritedPdf());
    const text = bytes.toString('latin1').replace(/startxref\n\d+/, 'startxref\n12');
    const inspection = await inspectPdf(new Uint8Array(Buffer.from(text, 'latin1')));
    assert.equal(inspection.damage, 'repairable');
    assert.equal(inspection.pageCount, 3);
    assert.equal(
      refusal(() => assertSignable(inspection)),
      'accepted',
    );
  });

  it('refuses a file that is not a PDF, and one with no recoverable page tree', async () => {
    const notPdf = await inspectPdf(new TextEncoder().encode('Hello, this is a text file.'));
    assert.equal(notPdf.version, null);
    assert.equal(
      refusal(() => assertSignable(notPdf, 'notes.pdf')),
      'PDF_NOT_PDF',
    );
    const hopeless = await inspectPdf(
      new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<< /Type /Foo >>\nendobj\n'),
    );
    assert.equal(hopeless.damage, 'unrepairable');
    assert.equal(
      refusal(() => assertSignable(hopeless)),
      'PDF_DAMAGED',
    );
  });

  it('tells a user password from an owner password, and refuses both', async () => {
    const plain = inheritedPdf();
    const locked = await inspectPdf(encrypt(tools, plain, 'open-sesame'));
    assert.equal(locked.encryption, 'user-password');
    assert.equal(
      refusal(() => assertSignable(locked, 'contrat.pdf')),
      'PDF_ENCRYPTED_USER_PASSWORD',
    );
    const ownerOnly = await inspectPdf(encrypt(tools, plain, ''));
    assert.equal(ownerOnly.encryption, 'owner-password');
    assert.equal(ownerOnly.pageCount, 3);
    assert.equal(
      refusal(() => assertSignable(ownerOnly)),
      'PDF_ENCRYPTED_OWNER_PASSWORD',
    );
  });

  it('classifies AES-256 files whatever their random salts (revision 6 hash loop)', async () => {
    const plain = inheritedPdf();
    for (let i = 0; i < 24; i++) {
      const userPassword = i % 2 === 0 ? '' : 'secret';
      const inspection = await inspectPdf(encrypt(tools, plain, userPassword));
      assert.equal(inspection.encryption, userPassword ? 'user-password' : 'owner-password', `attempt ${i}`);
    }
  });

  it('finds forms, XFA and JavaScript', async () => {
    const bytes = rawPdf([
      '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /XFA 5 0 R >> /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>',
      '<< /FT /Tx /T (name) /Type /Annot /Subtype /Widget /Rect [0 0 10 10] /P 3 0 R >>',
      streamObject('<xdp/>'),
    ]);
    const inspection = await inspectPdf(bytes);
    assert.equal(inspection.hasForm, true);
    assert.equal(inspection.hasXfa, true);
    assert.equal(inspection.isDynamicXfa, false);
    assert.equal(inspection.hasJavaScript, true);
    assert.deepEqual(inspection.pages[0]?.mediaBox, [0, 0, 200, 200]);
  });

  it('lists existing signatures and refuses a certified file', { skip: !existsSync(CORPUS) }, async () => {
    const two = await inspectPdf(corpusFile('pdfium/two_signatures.pdf'));
    assert.equal(two.signatures.length, 2);
    assert.equal(two.isCertified, false);
    assert.equal(
      refusal(() => assertSignable(two)),
      'accepted',
    );
    const certified = await inspectPdf(corpusFile('pdfium/docmdp.pdf'));
    assert.equal(certified.isCertified, true);
    assert.equal(
      refusal(() => assertSignable(certified)),
      'PDF_CERTIFIED',
    );
  });

  it('finds signature dictionaries no field reaches, with or without /Type /Sig', async () => {
    const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>';
    for (const type of ['/Type /Sig ', '']) {
      const inspection = await inspectPdf(
        rawPdf([
          '<< /Type /Catalog /Pages 2 0 R >>',
          '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          page,
          `<< ${type}/Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>`,
        ]),
      );
      assert.deepEqual(
        inspection.signatures.map((s) => [s.source, s.subFilter, s.isCertification]),
        [['unlisted', 'ETSI.CAdES.detached', false]],
      );
      assert.equal(
        refusal(() => assertSignable(inspection)),
        'accepted',
      );
    }
    // /Perms /DocMDP reaching a dictionary no field lists is still a certification (P=2 by default).
    const certified = await inspectPdf(
      rawPdf([
        '<< /Type /Catalog /Pages 2 0 R /Perms << /DocMDP 4 0 R >> >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        page,
        '<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 10 20 30] /Contents <00> >>',
      ]),
    );
    assert.deepEqual(
      certified.signatures.map((s) => [s.source, s.docMdpPermissions]),
      [['unlisted', 2]],
    );
    assert.equal(
      refusal(() => assertSignable(certified)),
      'PDF_CERTIFIED_FORBIDS_SEAL',
    );
  });

  it('reports usage rights (/Perms /UR3) as a signature that is not a certification', async () => {
    const inspection = await inspectPdf(
      rawPdf([
        '<< /Type /Catalog /Pages 2 0 R /Perms << /UR3 4 0 R >> >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
        '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <00>' +
          ' /Reference [<< /Type /SigRef /TransformMethod /UR3 /TransformParams << /Type /TransformParams /V /2.2 /Document [/FullSave] >> >>] >>',
      ]),
    );
    assert.equal(inspection.hasUsageRights, true);
    assert.equal(inspection.isCertified, false);
    assert.deepEqual(
      inspection.signatures.map((s) => s.source),
      ['usage-rights'],
    );
  });

  it('tells a certification P=1 from one that allows signing (P=2)', async () => {
    const refs = path.resolve(import.meta.dirname, '../../../../shared/tools/pdf-validate/refs');
    const p1 = await inspectPdf(new Uint8Array(readFileSync(path.join(refs, 'a-certify-p1-BB.pdf'))));
    assert.equal(
      refusal(() => assertSignable(p1)),
      'PDF_CERTIFIED',
    );
    const p2 = await inspectPdf(new Uint8Array(readFileSync(path.join(refs, 'f3-certify-p2.pdf'))));
    assert.equal(p2.signatures[0]?.docMdpPermissions, 2);
    assert.equal(
      refusal(() => assertSignable(p2)),
      'PDF_CERTIFIED_FORBIDS_SEAL',
    );
  });

  it('reads corpus files written by other tools', { skip: !existsSync(CORPUS) }, async () => {
    const rotated = await inspectPdf(corpusFile('pdfium/rectangles_multi_pages.pdf'));
    assert.ok(rotated.pages.some((p) => p.rotate !== 0));
    const cropped = await inspectPdf(corpusFile('pdfium/cropped_text.pdf'));
    assert.ok(cropped.pages.some((p) => p.cropBox.join() !== p.mediaBox.join()));
    const pdf2 = await inspectPdf(corpusFile('pdfjs/bug1997343.pdf'));
    assert.equal(pdf2.version, '2.0');
    const ownerOnly = await inspectPdf(corpusFile('pdfium/bug_424613308.pdf'));
    assert.notEqual(
      refusal(() => assertSignable(ownerOnly)),
      'accepted',
    );
  });
});
