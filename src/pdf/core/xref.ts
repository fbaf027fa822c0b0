import { inflateSync, constants as zlibConstants } from 'node:zlib';
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
} from 'pdf-lib';

/** Where the newest revision says an object lives. */
export type XrefEntry =
  | { type: 0 }
  | { type: 1; offset: number; gen: number }
  | { type: 2; stream: number; index: number };

/**
 * The cross-reference chain as a viewer reads it (newest section first, /Prev and /XRefStm followed),
 * checked against the bytes. An incremental update is only safe on top of a chain that is `ok`:
 * otherwise viewers repair the file each in their own way and our /Prev would point at garbage.
 */
export interface XrefChain {
  isValid: boolean;
  /** Why the chain is not valid (for logs and the inspection). */
  problem: string | null;
  /** Offset in the file of the newest cross-reference section (our /Prev, minus `headerOffset`). */
  startxref: number;
  /** Bytes before `%PDF-`: offsets written in the file count from the header. */
  headerOffset: number;
  /** Kind of the newest section: an incremental update must use the same kind. */
  kind: 'table' | 'stream';
  /** The newest trailer (or xref stream dictionary). */
  trailer: PDFDict | null;
  entries: Map<number, XrefEntry>;
  /** Highest /Size seen in the chain. */
  size: number;
}

const MAX_SECTIONS = 4096;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(
    bytes.buffer,
    bytes.byteOffset + start,
    Math.max(0, Math.min(end, bytes.length) - start),
  ).toString('latin1');
}

function indexOfAscii(bytes: Uint8Array, needle: string, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(needle, from, 'latin1');
}

/** Offset of the newest cross-reference section named by the last `startxref`, or null. */
export function findStartxref(bytes: Uint8Array): number | null {
  const tailStart = Math.max(0, bytes.length - 4096);
  const tail = latin1(bytes, tailStart, bytes.length);
  const at = tail.lastIndexOf('startxref');
  if (at < 0) return null;
  const match = /^startxref\s+(\d+)/.exec(tail.slice(at));
  if (!match?.[1]) return null;
  const offset = Number(match[1]);
  return Number.isSafeInteger(offset) && offset < bytes.length ? offset : null;
}

function asInt(value: unknown): number | null {
  return value instanceof PDFNumber && Number.isInteger(value.asNumber()) ? value.asNumber() : null;
}

/** Parses one direct object at `offset` (a trailer dictionary, or the body of an indirect object). */
function parseAt(bytes: Uint8Array, offset: number, context: PDFContext) {
  return PDFObjectParser.forBytes(bytes.subarray(offset), context).parseObject();
}

/** Undoes the PNG predictors (10..15) used by xref streams. */
function unpredict(data: Uint8Array, columns: number): Uint8Array {
  const rowLength = columns + 1;
  const rows = Math.floor(data.length / rowLength);
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const filter = data[r * rowLength] ?? 0;
    for (let c = 0; c < columns; c++) {
      const raw = data[r * rowLength + 1 + c] ?? 0;
      const left = c > 0 ? (out[r * columns + c - 1] ?? 0) : 0;
      const up = r > 0 ? (out[(r - 1) * columns + c] ?? 0) : 0;
      const upLeft = r > 0 && c > 0 ? (out[(r - 1) * columns + c - 1] ?? 0) : 0;
      let value = raw;
      if (filter === 1) value = raw + left;
      else if (filter === 2) value = raw + up;
      else if (filter === 3) value = raw + ((left + up) >> 1);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[r * columns + c] = value & 0xff;
    }
  }
  return out;
}

/** Decodes a stream's data when its only filter is Flate (what xref and object streams use). */
export function decodeFlateStream(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const filterName =
    filter instanceof PDFName
      ? filter
      : filter instanceof PDFArray && filter.size() === 1
        ? filter.lookup(0)
        : filter;
  let data: Uint8Array = stream.contents;
  if (filterName !== undefined) {
    if (filterName !== PDFName.of('FlateDecode'))
      throw new Error(`unsupported stream filter ${String(filterName)}`);
    data = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  }
  let parms = stream.dict.lookup(PDFName.of('DecodeParms'));
  if (parms instanceof PDFArray) parms = parms.lookup(0);
  if (parms instanceof PDFDict) {
    const predictor = asInt(parms.lookup(PDFName.of('Predictor'))) ?? 1;
    if (predictor >= 10) data = unpredict(data, asInt(parms.lookup(PDFName.of('Columns'))) ?? 1);
    else if (predictor !== 1) throw new Error(`unsupported predictor ${predictor}`);
  }
  return data;
}

function readTable(
  bytes: Uint8Array,
  offset: number,
  context: PDFContext,
  into: Map<number, XrefEntry>,
  base: number,
) {
  const trailerAt = indexOfAscii(bytes, 'trailer', offset);
  if (trailerAt < 0) throw new Error('xref table without trailer');
  const tokens = latin1(bytes, offset + 4, trailerAt)
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let i = 0;
  while (i < tokens.length) {
    const start = Number(tokens[i]);
    const count = Number(tokens[i + 1]);
    if (!Number.isInteger(start) || !Number.isInteger(count) || count < 0)
      throw new Error('bad xref subsection');
    i += 2;
    for (let n = 0; n < count; n++, i += 3) {
      const [off, gen, kind] = [tokens[i], tokens[i + 1], tokens[i + 2]];
      if (off === undefined || gen === undefined || (kind !== 'n' && kind !== 'f'))
        throw new Error('bad xref entry');
      const num = start + n;
      if (into.has(num)) continue;
      // "n" at offset 0 is a common writer bug for unused numbers: viewers treat it as free.
      into.set(
        num,
        kind === 'n' && Number(off) > 0
          ? { type: 1, offset: Number(off) + base, gen: Number(gen) }
          : { type: 0 },
      );
    }
  }
  const trailer = parseAt(bytes, trailerAt + 7, context);
  if (!(trailer instanceof PDFDict)) throw new Error('trailer is not a dictionary');
  return trailer;
}

function readStreamSection(
  bytes: Uint8Array,
  offset: number,
  context: PDFContext,
  into: Map<number, XrefEntry>,
  base: number,
) {
  const header = /^\s*\d+\s+\d+\s+obj/.exec(latin1(bytes, offset, offset + 64));
  if (!header) throw new Error('startxref does not point at a cross-reference section');
  const stream = parseAt(bytes, offset + header[0].length, context);
  if (!(stream instanceof PDFRawStream) || stream.dict.lookup(PDFName.of('Type')) !== PDFName.of('XRef')) {
    throw new Error('startxref does not point at an xref stream');
  }
  const widths = stream.dict.lookup(PDFName.of('W'));
  if (!(widths instanceof PDFArray) || widths.size() !== 3) throw new Error('xref stream without /W');
  const w = [0, 1, 2].map((k) => asInt(widths.lookup(k)) ?? -1);
  if (w.some((x) => x < 0 || x > 8)) throw new Error('bad xref stream /W');
  const size = asInt(stream.dict.lookup(PDFName.of('Size'))) ?? 0;
  const indexArray = stream.dict.lookup(PDFName.of('Index'));
  const index: number[] = [];
  if (indexArray instanceof PDFArray) {
    for (let k = 0; k < indexArray.size(); k++) index.push(asInt(indexArray.lookup(k)) ?? 0);
  } else index.push(0, size);
  const data = decodeFlateStream(stream);
  const [w0 = 0, w1 = 0, w2 = 0] = w;
  const rowLength = w0 + w1 + w2;
  let pos = 0;
  const field = (width: number, fallback: number) => {
    if (width === 0) return fallback;
    let v = 0;
    for (let k = 0; k < width; k++) v = v * 256 + (data[pos++] ?? 0);
    return v;
  };
  for (let s = 0; s + 1 < index.length; s += 2) {
    const start = index[s] ?? 0;
    const count = index[s + 1] ?? 0;
    for (let n = 0; n < count; n++) {
      if (pos + rowLength > data.length) throw new Error('xref stream shorter than its /Index');
      const type = field(w0, 1);
      const a = field(w1, 0);
      const b = field(w2, 0);
      const num = start + n;
      if (into.has(num)) continue;
      if (type === 1 && a > 0) into.set(num, { type: 1, offset: a + base, gen: b });
      else if (type === 2) into.set(num, { type: 2, stream: a, index: b });
      else into.set(num, { type: 0 });
    }
  }
  return stream.dict;
}

/** Reads and checks the cross-reference chain; never throws (problems are reported). */
export function readXrefChain(bytes: Uint8Array): XrefChain {
  const context = PDFContext.create();
  const entries = new Map<number, XrefEntry>();
  const result: XrefChain = {
    isValid: false,
    problem: null,
    startxref: -1,
    headerOffset: 0,
    kind: 'table',
    trailer: null,
    entries,
    size: 0,
  };
  // With bytes before the header, offsets count from the header (as Acrobat and qpdf read them).
  const headerAt = latin1(bytes, 0, 1024).indexOf('%PDF-');
  result.headerOffset = Math.max(0, headerAt);
  if (headerAt < 0) {
    result.problem = 'the file does not start with a PDF header';
    return result;
  }
  const start = findStartxref(bytes);
  if (start === null) {
    result.problem = 'no startxref';
    return result;
  }
  const base = headerAt;
  result.startxref = start + base;
  try {
    const seen = new Set<number>();
    const queue: number[] = [start + base];
    let sections = 0;
    while (queue.length > 0) {
      const offset = queue.shift() as number;
      if (seen.has(offset)) continue;
      if (++sections > MAX_SECTIONS) throw new Error('too many cross-reference sections');
      seen.add(offset);
      if (offset < 0 || offset >= bytes.length)
        throw new Error(`cross-reference offset ${offset} out of the file`);
      const lead = latin1(bytes, offset, offset + 32);
      const isTable = /^\s*xref/.test(lead);
      const pos = offset + (lead.length - lead.trimStart().length);
      const trailer = isTable
        ? readTable(bytes, pos, context, entries, base)
        : readStreamSection(bytes, pos, context, entries, base);
      if (result.trailer === null) {
        result.trailer = trailer;
        result.kind = isTable ? 'table' : 'stream';
      }
      result.size = Math.max(result.size, asInt(trailer.lookup(PDFName.of('Size'))) ?? 0);
      const xrefStm = isTable ? asInt(trailer.lookup(PDFName.of('XRefStm'))) : null;
      if (xrefStm !== null) queue.unshift(xrefStm + base);
      const prev = asInt(trailer.lookup(PDFName.of('Prev')));
      if (prev !== null) queue.push(prev + base);
    }
  } catch (error) {
    result.problem = error instanceof Error ? error.message : String(error);
    return result;
  }
  if (!result.trailer?.get(PDFName.of('Root'))) {
    result.problem = 'the trailer has no /Root';
    return result;
  }
  for (const [num, entry] of entries) {
    if (entry.type === 1) {
      if (num === 0) continue;
      const head = /^\s*(\d+)\s+(\d+)\s+obj/.exec(latin1(bytes, entry.offset, entry.offset + 40));
      if (!head || Number(head[1]) !== num) {
        result.problem = `object ${num} is not at offset ${entry.offset}`;
        return result;
      }
    } else if (entry.type === 2) {
      const holder = entries.get(entry.stream);
      if (holder?.type !== 1) {
        result.problem = `object stream ${entry.stream} of object ${num} is missing`;
        return result;
      }
    }
  }
  result.isValid = true;
  return result;
}

/**
 * Reads objects through a cross-reference chain, lazily, as a viewer does. Used to check our own
 * output without parsing the whole file again.
 */
export class XrefResolver {
  private readonly streams = new Map<number, { data: Uint8Array; offsets: Map<number, number> }>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly chain: XrefChain,
    private readonly context: PDFContext = PDFContext.create(),
  ) {}

  /** Object `num`, or undefined when the chain has no such object. */
  lookup(num: number): PDFObject | undefined {
    const entry = this.chain.entries.get(num);
    if (entry?.type === 1) {
      const header = /^\s*\d+\s+\d+\s+obj/.exec(latin1(this.bytes, entry.offset, entry.offset + 40));
      if (!header) return undefined;
      return parseAt(this.bytes, entry.offset + header[0].length, this.context);
    }
    if (entry?.type === 2) {
      const holder = this.objectStream(entry.stream);
      const at = holder?.offsets.get(num);
      if (!holder || at === undefined) return undefined;
      return parseAt(holder.data, at, this.context);
    }
    return undefined;
  }

  /** Follows a reference (one level). */
  resolve(value: PDFObject | undefined): PDFObject | undefined {
    return value instanceof PDFRef ? this.lookup(value.objectNumber) : value;
  }

  private objectStream(num: number) {
    const cached = this.streams.get(num);
    if (cached) return cached;
    const stream = this.lookup(num);
    if (!(stream instanceof PDFRawStream)) return undefined;
    const data = decodeFlateStream(stream);
    const first = asInt(stream.dict.lookup(PDFName.of('First'))) ?? 0;
    const count = asInt(stream.dict.lookup(PDFName.of('N'))) ?? 0;
    const header = latin1(data, 0, first).trim().split(/\s+/).map(Number);
    const offsets = new Map<number, number>();
    for (let i = 0; i < count; i++) offsets.set(header[2 * i] ?? -1, first + (header[2 * i + 1] ?? 0));
    const holder = { data, offsets };
    this.streams.set(num, holder);
    return holder;
  }
}
