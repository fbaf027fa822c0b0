import type { NormalisedImage } from './png.js';
import { normalisePng } from './png.js';
import { encodePng } from './png-encode.js';

/** Below this opacity a pixel does not show on paper. */
const MIN_INK_ALPHA = 32;
/** Lighter than this (0–255 luma) a pixel does not show on white paper either. */
const MAX_INK_LUMA = 232;

export interface InkBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Pixels that would show on white paper. */
  inkPixels: number;
}

/** The bounding box of what shows on white paper, or null when nothing does. */
export function findInk(image: NormalisedImage): InkBox | null {
  const { width, height, rgb, alpha } = image;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  let inkPixels = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (alpha && (alpha[i] as number) < MIN_INK_ALPHA) continue;
      const luma =
        0.299 * (rgb[i * 3] as number) +
        0.587 * (rgb[i * 3 + 1] as number) +
        0.114 * (rgb[i * 3 + 2] as number);
      if (luma > MAX_INK_LUMA) continue;
      inkPixels++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (inkPixels === 0) return null;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1, inkPixels };
}

/** The part of an image inside a rectangle (already clipped to the image). */
export function cropImage(
  image: NormalisedImage,
  box: { x: number; y: number; width: number; height: number },
): NormalisedImage {
  const rgb = new Uint8Array(box.width * box.height * 3);
  const alpha = image.alpha ? new Uint8Array(box.width * box.height) : null;
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * image.width + box.x;
    rgb.set(image.rgb.subarray(from * 3, (from + box.width) * 3), y * box.width * 3);
    alpha?.set(image.alpha?.subarray(from, from + box.width) ?? [], y * box.width);
  }
  return { width: box.width, height: box.height, rgb, alpha };
}

export interface PreparedSignatureImage {
  /** A PNG we wrote ourselves from the decoded pixels, cropped to the ink and its margin. */
  pngBytes: Uint8Array;
  width: number;
  height: number;
  /** Pixels that show on paper in the source image (0: blank). */
  inkPixels: number;
  /** Size of the decoded source, before cropping. */
  source: { width: number; height: number };
}

/**
 * Decodes a drawn signature with the very decoder the seal uses (so an image accepted here can
 * always be stamped), crops it to its ink plus a margin of `marginRatio` of the ink's shorter side
 * (so the signature fills the box it is placed in, not the whole pad), and encodes it again.
 * PDF_STAMP_IMAGE_INVALID when it does not decode. A blank image is returned whole, inkPixels 0.
 */
export function prepareSignatureImage(
  png: Uint8Array,
  options: { marginRatio: number } = { marginRatio: 0.04 },
): PreparedSignatureImage {
  const image = normalisePng(png);
  const source = { width: image.width, height: image.height };
  const ink = findInk(image);
  if (!ink)
    return { pngBytes: encodePng(image), width: image.width, height: image.height, inkPixels: 0, source };
  // From the shorter side, so a long flat signature keeps its height; at least 2 px, because the
  // antialiased edge of a stroke is lighter than the ink threshold.
  const margin = Math.max(2, Math.round(Math.min(ink.width, ink.height) * options.marginRatio));
  const x = Math.max(0, ink.x - margin);
  const y = Math.max(0, ink.y - margin);
  const box = {
    x,
    y,
    width: Math.min(image.width, ink.x + ink.width + margin) - x,
    height: Math.min(image.height, ink.y + ink.height + margin) - y,
  };
  const cropped = cropImage(image, box);
  return {
    pngBytes: encodePng(cropped),
    width: cropped.width,
    height: cropped.height,
    inkPixels: ink.inkPixels,
    source,
  };
}
