import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFHexString, PDFName, type PDFObject, PDFRef } from 'pdf-lib';
import type { LoadedPdf } from './load.js';

/** One object of the update: a pdf-lib object, or bytes we lay out ourselves (the signature dictionary). */
export interface UpdateObject {
  ref: PDFRef;
  body: PDFObject | Uint8Array;
}

export interface WrittenUpdate {
  /** Everything appended after the original bytes (a newline first when the original lacks one). */
  bytes: Uint8Array;
  /** Absolute offset (in the whole output) of each object's body, after its `N G obj` line. */
  bodyOffsets: Map<number, number>;
}

const encoder = new TextEncoder();
const ascii = (s: string) => encoder.encode(s);

function serialise(object: PDFObject): Uint8Array {
  const buffer = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(buffer, 0);
  return buffer;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Groups sorted object numbers into the runs of an xref subsection / an /Index array. */
function runs(numbers: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of numbers) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1] += 1;
    else out.push([n, 1]);
  }
  return out;
}

/**
 * Writes an update section after the original bytes, never touching them: the objects, then a
 * cross-reference section of the same kind as the original's newest one, pointing back with /Prev.
 * With `isRepair` (the original chain is broken) the section is complete and has no /Prev, so
 * viewers stop at it instead of each repairing the original in their own way.
 */
export function writeUpdate(o: {
  pdf: LoadedPdf;
  objects: UpdateObject[];
  isRepair: boolean;
}): WrittenUpdate {
  const { pdf } = o;
  const base = pdf.xref.headerOffset;
  const original = pdf.bytes;
  const needsNewline =
    original.length > 0 && original[original.length - 1] !== 0x0a && original[original.length - 1] !== 0x0d;
  const chunks: Uint8Array[] = [];
  let offset = original.length;
  const push = (chunk: Uint8Array) => {
    chunks.push(chunk);
    offset += chunk.length;
  };
  if (needsNewline) push(ascii('\n'));
  const objectOffsets = new Map<number, { offset: number; gen: number }>();
  const bodyOffsets = new Map<number, number>();
  const sorted = [...o.objects].sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
  for (const { ref, body } of sorted) {
    objectOffsets.set(ref.objectNumber, { offset, gen: ref.generationNumber });
    push(ascii(`${ref.objectNumber} ${ref.generationNumber} obj\n`));
    bodyOffsets.set(ref.objectNumber, offset);
    push(body instanceof Uint8Array ? body : serialise(body));
    push(ascii('\nendobj\n'));
  }
  const trailer = pdf.xref.isValid ? pdf.xref.trailer : null;
  const maxNumber = Math.max(
    pdf.context.largestObjectNumber,
    pdf.xref.isValid ? pdf.xref.size - 1 : 0,
    ...objectOffsets.keys(),
  );
  const info = trailer?.get(PDFName.of('Info')) ?? pdf.context.trailerInfo.Info;
  const originalId = trailer?.lookup(PDFName.of('ID')) ?? pdf.context.trailerInfo.ID;
  const firstId =
    originalId instanceof PDFArray && originalId.get(0) !== undefined
      ? (originalId.get(0) as PDFObject)
      : PDFHexString.of(
          createHash('md5')
            .update(original.subarray(0, 1 << 20))
            .digest('hex'),
        );
  // The second identifier changes with each revision; derived from content, not randomness.
  const secondId = createHash('md5')
    .update(original.subarray(Math.max(0, original.length - (1 << 20))))
    .update(String(offset))
    .digest('hex');
  const idText = `[${firstId.toString()} <${secondId}>]`;
  const infoText = info instanceof PDFRef ? ` /Info ${info.toString()}` : '';
  const prevText = o.isRepair ? '' : ` /Prev ${pdf.xref.startxref - base}`;
  const rootText = pdf.catalogRef.toString();

  if (!o.isRepair && pdf.xref.kind === 'stream') {
    const xrefNumber = maxNumber + 1;
    const xrefOffset = offset;
    objectOffsets.set(xrefNumber, { offset: xrefOffset, gen: 0 });
    const numbers = [...objectOffsets.keys()].sort((a, b) => a - b);
    const offsetWidth = xrefOffset > 0xffffffff ? 8 : 4;
    const rowLength = 1 + offsetWidth + 2;
    const rows = new Uint8Array(numbers.length * rowLength);
    numbers.forEach((n, i) => {
      const entry = objectOffsets.get(n) as { offset: number; gen: number };
      const row = i * rowLength;
      rows[row] = 1;
      let value = entry.offset - base;
      for (let k = offsetWidth; k >= 1; k--) {
        rows[row + k] = value % 256;
        value = Math.floor(value / 256);
      }
      rows[row + offsetWidth + 1] = (entry.gen >> 8) & 0xff;
      rows[row + offsetWidth + 2] = entry.gen & 0xff;
    });
    const data = deflateSync(rows);
    const index = runs(numbers)
      .map(([s, c]) => `${s} ${c}`)
      .join(' ');
    push(
      ascii(
        `${xrefNumber} 0 obj\n<< /Type /XRef /Size ${xrefNumber + 1} /W [1 ${offsetWidth} 2] /Index [${index}] /Root ${rootText}${infoText} /ID ${idText}${prevText} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
      ),
    );
    push(data);
    push(ascii(`\nendstream\nendobj\nstartxref\n${xrefOffset - base}\n%%EOF\n`));
  } else {
    const xrefOffset = offset;
    const numbers = [...objectOffsets.keys()].sort((a, b) => a - b);
    let table = 'xref\n';
    if (o.isRepair) table += '0 1\n0000000000 65535 f\r\n';
    for (const [start, count] of runs(numbers)) {
      table += `${start} ${count}\n`;
      for (let n = start; n < start + count; n++) {
        const entry = objectOffsets.get(n) as { offset: number; gen: number };
        table += `${pad(entry.offset - base, 10)} ${pad(entry.gen, 5)} n\r\n`;
      }
    }
    table += `trailer\n<< /Size ${maxNumber + 1} /Root ${rootText}${infoText} /ID ${idText}${prevText} >>\nstartxref\n${xrefOffset - base}\n%%EOF\n`;
    push(ascii(table));
  }
  const bytes = new Uint8Array(offset - original.length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, bodyOffsets };
}
