import { encodePng } from '../../src/pdf/stamp/png-encode.js';

/**
 * A real PNG (RGBA, 8-bit): a dark stroke on transparency, or with `dots` only that many stray
 * ink pixels (0: a blank pad).
 */
export function signaturePng(width = 300, height = 100, o: { dots?: number } = {}): Uint8Array {
  const isInk =
    o.dots === undefined
      ? (x: number, y: number) => Math.abs(y - height / 2 - Math.sin(x / 20) * 20) < 3
      : (x: number, y: number) => y === Math.floor(height / 2) && x % 10 === 0 && x / 10 < (o.dots ?? 0);
  const rgb = new Uint8Array(width * height * 3);
  const alpha = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (isInk(x, y)) {
        rgb.set([10, 30, 90], (y * width + x) * 3);
        alpha[y * width + x] = 255;
      }
  return encodePng({ width, height, rgb, alpha });
}

/** Issue 11's repro: a valid 200x80 PNG header, then image data that is not a PNG stream. */
export function junkDataPng(seed = 13): Uint8Array {
  const png = signaturePng(200, 80);
  const idatData = 8 + 25 + 8;
  for (let i = idatData; i < png.length - 16; i++) png[i] = (i * 7919 + seed) & 0xff;
  return png;
}
