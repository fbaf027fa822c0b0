import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sealDocument } from '../seal/seal-document.js';
import { makePng, sampleEvidence, testSealKey } from '../testing/fixtures.js';
import { PdfTools, rawPdf, streamObject } from '../testing/tools.js';
import type { VisualRect } from './geometry.js';

const tools = new PdfTools();
after(() => tools.cleanup());
const key = testSealKey('seal-ec');

/** One page with a light grey background over its CropBox and the given boxes and rotation. */
function page(o: { mediaBox: number[]; cropBox?: number[]; rotate?: number; content?: string }): Uint8Array {
  const crop = o.cropBox ? ` /CropBox [${o.cropBox.join(' ')}]` : '';
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [${o.mediaBox.join(' ')}] >>`,
    `<< /Type /Page /Parent 2 0 R${crop} /Rotate ${o.rotate ?? 0} /Contents 4 0 R /Resources << >> >>`,
    streamObject(o.content ?? ''),
  ]);
}

async function stamped(input: Uint8Array, rect: VisualRect): Promise<Uint8Array> {
  const sealed = await sealDocument({
    pdfBytes: input,
    stamps: [
      {
        page: 1,
        rect,
        imagePng: makePng({ width: 300, height: 120, rgb: [255, 0, 0] }),
        signerName: 'Jeanne Martin',
        signedAt: new Date('2026-11-26T10:02:00Z'),
      },
    ],
    evidence: sampleEvidence(),
    seal: {
      key,
      reason: 'Test',
      location: 'Paris',
      contactInfo: 'ops@example.org',
      docMdpPermissions: 1,
      locale: 'en',
      signingTime: new Date('2026-11-26T10:05:00Z'),
    },
  });
  return sealed.pdfBytes;
}

const isRed = ([r, g, b]: [number, number, number]) => r > 200 && g < 60 && b < 60;

/**
 * The image is drawn upright in the upper part of the rectangle (a caption band sits below it),
 * 2.5 times wider than high: red at its centre and 55 pt to each side, not 35 pt above or below.
 */
function assertStampAt(pdf: Uint8Array, rect: VisualRect, expected: { width: number; height: number }) {
  const image = tools.render(pdf, 1);
  assert.equal(image.width, expected.width);
  assert.equal(image.height, expected.height);
  const band = 24.3;
  const cx = rect.x + rect.width / 2;
  const cy = rect.y + (rect.height - band) / 2;
  assert.ok(isRed(image.pixel(cx, cy)), `red at the stamp's centre (${cx}, ${cy}): ${image.pixel(cx, cy)}`);
  assert.ok(isRed(image.pixel(cx - 55, cy)), 'image extends to the left');
  assert.ok(isRed(image.pixel(cx + 55, cy)), 'image extends to the right');
  assert.ok(!isRed(image.pixel(cx, cy - 35)), 'nothing red above: the stamp is upright');
  assert.ok(!isRed(image.pixel(cx, cy + 35)), 'nothing red below the image');
  assert.ok(!isRed(image.pixel(rect.x - 8, cy)), 'nothing red left of the rectangle');
  assert.ok(!isRed(image.pixel(rect.x + rect.width + 8, cy)), 'nothing red right of the rectangle');
}

describe('stamps', () => {
  const rect = { x: 60, y: 40, width: 200, height: 80 };

  for (const rotate of [0, 90, 180, 270]) {
    it(`lands where the signer placed it on a page rotated ${rotate}°`, async () => {
      const pdf = await stamped(page({ mediaBox: [0, 0, 612, 792], rotate }), rect);
      const isQuarter = rotate % 180 !== 0;
      assertStampAt(pdf, rect, isQuarter ? { width: 792, height: 612 } : { width: 612, height: 792 });
      assert.match(tools.text(pdf, 1), /Jeanne Martin/);
    });
  }

  it('lands where placed with a CropBox offset inside a MediaBox not at the origin', async () => {
    const input = page({ mediaBox: [-100, -50, 700, 900], cropBox: [50, 80, 550, 780], rotate: 90 });
    const placed = { x: 400, y: 300, width: 200, height: 80 };
    assertStampAt(await stamped(input, placed), placed, { width: 700, height: 500 });
  });

  it('is not moved by page content that leaves the graphics state changed', async () => {
    const input = page({
      mediaBox: [0, 0, 612, 792],
      content: 'q 0.5 0 0 0.5 100 100 cm q 1 0 0 1 10 10 cm',
    });
    assertStampAt(await stamped(input, rect), rect, { width: 612, height: 792 });
  });

  it('draws several stamps on one page and keeps the page content', async () => {
    const input = page({ mediaBox: [0, 0, 612, 792], content: '0 0 1 rg 300 300 100 100 re f' });
    const second = { x: 300, y: 600, width: 200, height: 80 };
    const sealed = await sealDocument({
      pdfBytes: input,
      stamps: [rect, second].map((r, i) => ({
        page: 1,
        rect: r,
        imagePng: makePng({ width: 300, height: 120, rgb: [255, 0, 0] }),
        signerName: `Signer ${i + 1}`,
        signedAt: new Date('2026-11-26T10:02:00Z'),
      })),
      evidence: sampleEvidence(),
      seal: {
        key,
        reason: 'Test',
        location: 'Paris',
        contactInfo: 'ops@example.org',
        docMdpPermissions: 1,
        locale: 'fr',
        signingTime: new Date('2026-11-26T10:05:00Z'),
      },
    });
    assertStampAt(sealed.pdfBytes, rect, { width: 612, height: 792 });
    assertStampAt(sealed.pdfBytes, second, { width: 612, height: 792 });
    const image = tools.render(sealed.pdfBytes, 1);
    const [r, g, b] = image.pixel(350, 792 - 350);
    assert.ok(b > 200 && r < 60 && g < 60, 'the original blue square is still drawn');
    const text = tools.text(sealed.pdfBytes, 1);
    assert.match(text, /Signer 1/);
    assert.match(text, /Signé électroniquement le 26\/11\/2026/);
  });
});
