import { inflateSync } from 'node:zlib';
import { AppError } from '../../shared/errors.js';

/** A decoded, size-limited image ready to become a PDF image XObject with a soft mask. */
export interface NormalisedImage {
  width: number;
  height: number;
  /** 8-bit RGB, row-major. */
  rgb: Uint8Array;
  /** 8-bit alpha, or null when the image is fully opaque. */
  alpha: Uint8Array | null;
}

export const MAX_PNG_BYTES = 5 * 1024 * 1024;
const MAX_SOURCE_PIXELS = 40_000_000;
/** Longest side kept: a signature box is a few centimetres wide, 1200 px is plenty at 300 dpi. */
export const MAX_SIDE = 1200;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function invalid(reason: string): AppError {
  return new AppError('PDF_STAMP_IMAGE_INVALID', `signature image: ${reason}`);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Decodes a PNG (what the signing page's canvas sends; we never trust the browser's bytes) into
 * RGBA, then downsizes it. Supports every non-interlaced colour type at 8 bits, palettes at 1–8
 * bits and 16-bit samples; anything else is refused with PDF_STAMP_IMAGE_INVALID.
 */
export function normalisePng(png: Uint8Array): NormalisedImage {
  if (png.length > MAX_PNG_BYTES) throw invalid('too large');
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw invalid('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let interlace = 0;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= png.length) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (data.length !== length) throw invalid('truncated');
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      depth = png[pos + 16] ?? 0;
      colorType = png[pos + 17] ?? -1;
      interlace = png[pos + 20] ?? 0;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  if (width === 0 || height === 0 || width * height > MAX_SOURCE_PIXELS) throw invalid('bad dimensions');
  if (interlace !== 0) throw invalid('interlaced PNG');
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (channels === undefined) throw invalid(`colour type ${colorType}`);
  const depthOk =
    colorType === 3
      ? [1, 2, 4, 8].includes(depth)
      : colorType === 0
        ? [8, 16].includes(depth)
        : [8, 16].includes(depth);
  if (!depthOk) throw invalid(`bit depth ${depth}`);
  if (colorType === 3 && !palette) throw invalid('palette missing');
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height + 1024 });
  } catch (error) {
    throw new AppError('PDF_STAMP_IMAGE_INVALID', 'signature image: corrupt data', { cause: error });
  }
  if (raw.length < (stride + 1) * height) throw invalid('truncated data');
  const lines = unfilter(raw, { stride, height, bpp });
  if (colorType === 6 && depth === 8) return toRgbAlpha(downscale({ width, height, rgba: lines }));
  const rgba = new Uint8Array(width * height * 4);
  const sample = (y: number, index: number): number => {
    if (depth === 16) return lines[y * stride + index * 2] ?? 0;
    if (depth === 8) return lines[y * stride + index] ?? 0;
    const perByte = 8 / depth;
    const byte = lines[y * stride + Math.floor(index / perByte)] ?? 0;
    const shift = 8 - depth * ((index % perByte) + 1);
    return (byte >> shift) & ((1 << depth) - 1);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 255;
      if (colorType === 0 || colorType === 4) {
        r = g = b = sample(y, x * channels);
        if (colorType === 4) a = sample(y, x * channels + 1);
      } else if (colorType === 2 || colorType === 6) {
        r = sample(y, x * channels);
        g = sample(y, x * channels + 1);
        b = sample(y, x * channels + 2);
        if (colorType === 6) a = sample(y, x * channels + 3);
      } else {
        const index = sample(y, x);
        r = palette?.[index * 3] ?? 0;
        g = palette?.[index * 3 + 1] ?? 0;
        b = palette?.[index * 3 + 2] ?? 0;
        a = transparency?.[index] ?? 255;
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = a;
    }
  }
  return toRgbAlpha(downscale({ width, height, rgba }));
}

/** Reverses the PNG row filters, in place of a copy per row (hot: runs on every seal). */
function unfilter(raw: Uint8Array, o: { stride: number; height: number; bpp: number }): Uint8Array {
  const { stride, height, bpp } = o;
  const lines = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    const up = dst - stride;
    const filter = raw[src - 1] as number;
    if (filter === 0) {
      lines.set(raw.subarray(src, src + stride), dst);
    } else if (filter === 1) {
      for (let x = 0; x < stride; x++) {
        lines[dst + x] =
          ((raw[src + x] as number) + (x >= bpp ? (lines[dst + x - bpp] as number) : 0)) & 0xff;
      }
    } else if (filter === 2) {
      for (let x = 0; x < stride; x++) {
        lines[dst + x] = ((raw[src + x] as number) + (y > 0 ? (lines[up + x] as number) : 0)) & 0xff;
      }
    } else if (filter === 3) {
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? (lines[dst + x - bpp] as number) : 0;
        const b = y > 0 ? (lines[up + x] as number) : 0;
        lines[dst + x] = ((raw[src + x] as number) + ((a + b) >> 1)) & 0xff;
      }
    } else if (filter === 4) {
      for (let x = 0; x < stride; x++) {
        const a = x >= bpp ? (lines[dst + x - bpp] as number) : 0;
        const b = y > 0 ? (lines[up + x] as number) : 0;
        const c = x >= bpp && y > 0 ? (lines[up + x - bpp] as number) : 0;
        lines[dst + x] = ((raw[src + x] as number) + paeth(a, b, c)) & 0xff;
      }
    } else {
      throw invalid('bad filter');
    }
  }
  return lines;
}

function downscale(image: { width: number; height: number; rgba: Uint8Array }) {
  const factor = Math.ceil(Math.max(image.width, image.height) / MAX_SIDE);
  if (factor <= 1) return image;
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Box filter weighted by alpha, so transparent pixels do not darken the ink's edges.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const o = ((y * factor + dy) * image.width + (x * factor + dx)) * 4;
          const alpha = image.rgba[o + 3] ?? 0;
          r += (image.rgba[o] ?? 0) * alpha;
          g += (image.rgba[o + 1] ?? 0) * alpha;
          b += (image.rgba[o + 2] ?? 0) * alpha;
          a += alpha;
        }
      }
      const o = (y * width + x) * 4;
      rgba[o] = a ? Math.round(r / a) : 0;
      rgba[o + 1] = a ? Math.round(g / a) : 0;
      rgba[o + 2] = a ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round(a / (factor * factor));
    }
  }
  return { width, height, rgba };
}

function toRgbAlpha(image: { width: number; height: number; rgba: Uint8Array }): NormalisedImage {
  const pixels = image.width * image.height;
  const rgb = new Uint8Array(pixels * 3);
  const alpha = new Uint8Array(pixels);
  const rgba = image.rgba;
  let isOpaque = true;
  for (let i = 0, j = 0, k = 0; i < pixels; i++, j += 3, k += 4) {
    rgb[j] = rgba[k] as number;
    rgb[j + 1] = rgba[k + 1] as number;
    rgb[j + 2] = rgba[k + 2] as number;
    const a = rgba[k + 3] as number;
    alpha[i] = a;
    if (a !== 255) isOpaque = false;
  }
  return { width: image.width, height: image.height, rgb, alpha: isOpaque ? null : alpha };
}
