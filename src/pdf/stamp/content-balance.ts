import { inflateSync, constants as zlibConstants } from 'node:zlib';
import { decodePDFRawStream, type PDFContext, PDFName, type PDFObject, PDFRawStream } from 'pdf-lib';

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/**
 * How many `q` a content stream leaves open (more `Q` than `q` counts as none: viewers ignore the
 * extras). A page that leaves saves open would otherwise keep its transformation in force over
 * whatever is drawn after it, so the stamp's closing stream pops these first.
 */
export function openSaves(content: Uint8Array): number {
  let depth = 0;
  let i = 0;
  const n = content.length;
  const isRegular = (c: number) => !WHITESPACE.has(c) && !DELIMITERS.has(c);
  while (i < n) {
    const c = content[i] as number;
    if (WHITESPACE.has(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < n && content[i] !== 0x0a && content[i] !== 0x0d) i++;
    } else if (c === 0x28) {
      let nesting = 1;
      i++;
      while (i < n && nesting > 0) {
        const d = content[i] as number;
        if (d === 0x5c) i++;
        else if (d === 0x28) nesting++;
        else if (d === 0x29) nesting--;
        i++;
      }
    } else if (c === 0x3c && content[i + 1] !== 0x3c) {
      while (i < n && content[i] !== 0x3e) i++;
      i++;
    } else if (c === 0x2f) {
      i++;
      while (i < n && isRegular(content[i] as number)) i++;
    } else if (DELIMITERS.has(c)) {
      i++;
    } else {
      const start = i;
      while (i < n && isRegular(content[i] as number)) i++;
      const length = i - start;
      if (length === 1 && c === 0x71) depth++;
      else if (length === 1 && c === 0x51) depth = Math.max(0, depth - 1);
      else if (length === 2 && c === 0x42 && content[start + 1] === 0x49) i = skipInlineImage(content, i);
    }
  }
  return depth;
}

/** Skips an inline image's binary data: from after BI to after the EI that ends it. */
function skipInlineImage(content: Uint8Array, from: number): number {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.length);
  const id = buffer.indexOf('ID', from, 'latin1');
  if (id < 0) return content.length;
  let at = id + 3;
  while (at < content.length) {
    const ei = buffer.indexOf('EI', at, 'latin1');
    if (ei < 0) return content.length;
    const after = content[ei + 2];
    if (WHITESPACE.has(content[ei - 1] as number) && (after === undefined || WHITESPACE.has(after)))
      return ei + 2;
    at = ei + 2;
  }
  return content.length;
}

/** Open saves over a page's content streams, read as one; unreadable streams count as balanced. */
export function pageOpenSaves(context: PDFContext, streams: PDFObject[]): number {
  const parts: Uint8Array[] = [];
  for (const ref of streams) {
    const stream = context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) continue;
    try {
      const filter = stream.dict.lookup(PDFName.of('Filter'));
      // node's zlib is much faster than pdf-lib's JavaScript inflate for the common case.
      const data =
        filter === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))
          ? inflateSync(stream.contents, { finishFlush: zlibConstants.Z_SYNC_FLUSH })
          : decodePDFRawStream(stream).decode();
      parts.push(data, Buffer.from('\n'));
    } catch {
      // an undecodable stream draws nothing a viewer can show either
    }
  }
  return openSaves(Buffer.concat(parts));
}
