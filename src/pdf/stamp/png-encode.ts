import { deflateSync } from 'node:zlib';
import type { NormalisedImage } from './png.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Writes a decoded image as a plain PNG: 8-bit RGBA (RGB when fully opaque), not interlaced,
 * no ancillary chunk. What we store is then only what we decoded: nothing the browser added
 * (metadata, extra chunks, trailing bytes) survives.
 */
export function encodePng(image: NormalisedImage): Uint8Array {
  const { width, height, rgb, alpha } = image;
  const channels = alpha ? 4 : 3;
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    // Filter byte 0 (none): a signature is mostly empty, which deflate packs well anyway.
    let at = y * stride + 1;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      raw[at++] = rgb[i * 3] as number;
      raw[at++] = rgb[i * 3 + 1] as number;
      raw[at++] = rgb[i * 3 + 2] as number;
      if (alpha) raw[at++] = alpha[i] as number;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, alpha ? 6 : 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(SIGNATURE),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array()),
    ]),
  );
}
