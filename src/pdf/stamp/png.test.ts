import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../shared/errors.js';
import { makePng } from '../testing/fixtures.js';
import { MAX_SIDE, normalisePng } from './png.js';

describe('normalisePng', () => {
  it('keeps colour and transparency of an RGBA signature', () => {
    const image = normalisePng(makePng({ width: 10, height: 4, rgb: [10, 20, 30], inset: 1 }));
    assert.equal(image.width, 10);
    assert.equal(image.height, 4);
    assert.deepEqual([...image.rgb.subarray(33, 36)], [10, 20, 30]);
    assert.equal(image.alpha?.[0], 0, 'the border is transparent');
    assert.equal(image.alpha?.[11], 255, 'the ink is opaque');
  });

  it('drops the soft mask when every pixel is opaque', () => {
    assert.equal(normalisePng(makePng({ width: 3, height: 3 })).alpha, null);
  });

  it('downsizes a huge drawing', () => {
    const image = normalisePng(makePng({ width: 3000, height: 600 }));
    assert.ok(image.width <= MAX_SIDE);
    assert.equal(image.width / image.height, 5);
  });

  it('refuses what is not a PNG, and truncated data', () => {
    for (const bytes of [Buffer.from('GIF89a....'), makePng({ width: 50, height: 50 }).subarray(0, 60)]) {
      assert.throws(
        () => normalisePng(bytes),
        (error) => isAppError(error, 'PDF_STAMP_IMAGE_INVALID'),
      );
    }
  });
});
