import { prepareSignatureImage } from '../pdf/index.js';
import { AppError, isAppError } from '../shared/errors.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const MAX_SIGNATURE_PNG_BYTES = 512 * 1024;
const MIN_SIDE = 20;
const MAX_WIDTH = 2400;
const MAX_HEIGHT = 1200;

function invalid(why: string): AppError {
  return new AppError('SIGNING_IMAGE_INVALID', `signature image refused: ${why}`);
}

/**
 * Checks the header of what the browser sent before anything is decoded: a PNG (by its bytes, not
 * its label), within size and dimension limits, 8-bit, not interlaced.
 */
export function checkSignatureImage(png: Uint8Array): { width: number; height: number } {
  if (png.length > MAX_SIGNATURE_PNG_BYTES) throw invalid(`${png.length} bytes`);
  if (png.length < 33 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw invalid('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') throw invalid('no IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = png[24];
  const colorType = png[25];
  const interlace = png[28];
  if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_WIDTH || height > MAX_HEIGHT)
    throw invalid(`${width}x${height}`);
  if (bitDepth !== 8 || ![2, 6].includes(colorType ?? -1) || interlace !== 0)
    throw invalid(`depth ${bitDepth} colour ${colorType} interlace ${interlace}`);
  return { width, height };
}

/**
 * Ink a drawing needs, in pixels that show on paper: a thousandth of the image and at least 64 px.
 * The signing page asks for much more (a stroke of 0.6 pad widths, ~2,400 px on its 600x200
 * image), so this only refuses an empty or near-empty image sent past the page.
 */
export function minInkPixels(size: { width: number; height: number }): number {
  return Math.max(64, Math.round(size.width * size.height * 0.001));
}

/**
 * The signature image to store: the header checked, the pixels fully decoded (by the decoder the
 * seal uses) and written again by us, cropped to the ink. SIGNING_IMAGE_INVALID when it does not
 * decode — the seal would fail on it later and block the envelope — and SIGNING_IMAGE_BLANK when
 * next to nothing shows.
 */
export function normaliseSignatureImage(png: Uint8Array): {
  pngBytes: Uint8Array;
  width: number;
  height: number;
} {
  checkSignatureImage(png);
  let prepared: ReturnType<typeof prepareSignatureImage>;
  try {
    prepared = prepareSignatureImage(png);
  } catch (error) {
    if (isAppError(error, 'PDF_STAMP_IMAGE_INVALID'))
      throw new AppError('SIGNING_IMAGE_INVALID', `signature image refused: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
  if (prepared.inkPixels < minInkPixels(prepared.source))
    throw new AppError(
      'SIGNING_IMAGE_BLANK',
      `signature image nearly blank: ${prepared.inkPixels} ink pixels`,
      {
        details: { inkPixels: prepared.inkPixels },
      },
    );
  return { pngBytes: prepared.pngBytes, width: prepared.width, height: prepared.height };
}
