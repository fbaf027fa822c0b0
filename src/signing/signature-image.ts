import { AppError } from '../shared/errors.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const MAX_SIGNATURE_PNG_BYTES = 512 * 1024;
const MIN_SIDE = 20;
const MAX_WIDTH = 2400;
const MAX_HEIGHT = 1200;

function invalid(why: string): AppError {
  return new AppError('SIGNING_IMAGE_INVALID', `signature image refused: ${why}`);
}

/**
 * Checks what the browser sent before anything is stored: a PNG (by its bytes, not its label),
 * within size and dimension limits, 8-bit, not interlaced. The PDF engine decodes and re-encodes
 * it again when stamping, so a crafted file never reaches a sealed document as is.
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
