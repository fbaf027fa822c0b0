import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../shared/errors.js';
import { makePng } from '../testing/fixtures.js';
import { prepareSignatureImage } from './ink.js';
import { normalisePng } from './png.js';
import { encodePng } from './png-encode.js';

/** A 600x200 transparent pad with one opaque ink block at (x, y), like a small signature. */
function padWithInk(ink: { x: number; y: number; width: number; height: number }): Uint8Array {
  const width = 600;
  const height = 200;
  const rgb = new Uint8Array(width * height * 3);
  const alpha = new Uint8Array(width * height);
  for (let y = ink.y; y < ink.y + ink.height; y++)
    for (let x = ink.x; x < ink.x + ink.width; x++) {
      const i = y * width + x;
      rgb.set([11, 31, 92], i * 3);
      alpha[i] = 255;
    }
  return encodePng({ width, height, rgb, alpha });
}

describe('prepareSignatureImage', () => {
  it('crops a drawing to its ink plus a small margin', () => {
    const prepared = prepareSignatureImage(padWithInk({ x: 100, y: 80, width: 200, height: 40 }));
    // Margin: 4 % of the ink's shorter side (40 px), at least 2 px, on each side.
    assert.deepEqual([prepared.width, prepared.height], [204, 44]);
    assert.equal(prepared.inkPixels, 200 * 40);
    assert.deepEqual(prepared.source, { width: 600, height: 200 });
    const back = normalisePng(prepared.pngBytes);
    assert.deepEqual([back.width, back.height], [204, 44]);
    assert.equal(back.alpha?.[0], 0, 'the margin is transparent');
    assert.equal(back.alpha?.[2 * 204 + 2], 255, 'the ink starts after the margin');
    assert.deepEqual([...back.rgb.subarray((2 * 204 + 2) * 3, (2 * 204 + 2) * 3 + 3)], [11, 31, 92]);
  });

  it('keeps the margin inside the image when the ink touches an edge', () => {
    const prepared = prepareSignatureImage(padWithInk({ x: 0, y: 150, width: 100, height: 50 }));
    assert.deepEqual([prepared.width, prepared.height], [102, 52]);
  });

  it('reports a blank pad as no ink, and white ink as no ink either', () => {
    assert.equal(prepareSignatureImage(padWithInk({ x: 0, y: 0, width: 0, height: 0 })).inkPixels, 0);
    const white = prepareSignatureImage(makePng({ width: 60, height: 30, rgb: [255, 255, 255], inset: 5 }));
    assert.equal(white.inkPixels, 0);
  });

  it('refuses a PNG whose header is valid but whose image data is junk', () => {
    const good = Buffer.from(makePng({ width: 200, height: 80 }));
    // Overwrite the IDAT payload (after signature 8 + IHDR 25 + IDAT length and type 8).
    const junk = Buffer.from(good);
    for (let i = 41; i < junk.length - 16; i++) junk[i] = (i * 7919) & 0xff;
    assert.throws(
      () => prepareSignatureImage(junk),
      (error) => isAppError(error, 'PDF_STAMP_IMAGE_INVALID'),
    );
  });
});
