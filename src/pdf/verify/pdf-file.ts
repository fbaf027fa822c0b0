import { inflateSync } from 'node:zlib';
import {
  isDict,
  Lexer,
  nameOf,
  type PdfDict,
  PdfRef,
  PdfStream,
  PdfSyntaxError,
  type PdfValue,
} from './pdf-objects.js';

/** Where an object lives: at a byte offset, or inside an object stream. */
export type XrefEntry =
  | { kind: 'offset'; offset: number; gen: number }
  | { kind: 'compressed'; stream: number; index: number }
  | { kind: 'free' };

export interface Revision {
  /** Byte offset just after this revision's %%EOF line (end of line included). */
  end: number;
  /** Offset of the %%EOF marker itself. */
  eofAt: number;
  xref: Map<number, XrefEntry>;
  trailer: PdfDict;
}

function findAll(buf: Uint8Array, needle: string): number[] {
  const n = Buffer.from(needle, 'latin1');
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const out: number[] = [];
  for (let i = b.indexOf(n); i >= 0; i = b.indexOf(n, i + 1)) out.push(i);
  return out;
}

function decodePredictor(data: Buffer, params: PdfDict | undefined): Buffer {
  const predictor = Number(params?.get('Predictor') ?? 1);
  if (predictor < 10) return data;
  const columns =
    Number(params?.get('Columns') ?? 1) *
    Number(params?.get('Colors') ?? 1) *
    Math.ceil(Number(params?.get('BitsPerComponent') ?? 8) / 8);
  const bpp = Math.max(
    1,
    Number(params?.get('Colors') ?? 1) * Math.ceil(Number(params?.get('BitsPerComponent') ?? 8) / 8),
  );
  const rows = Math.floor(data.length / (columns + 1));
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)] ?? 0;
    for (let c = 0; c < columns; c++) {
      const x = data[r * (columns + 1) + 1 + c] ?? 0;
      const left = c >= bpp ? (out[r * columns + c - bpp] ?? 0) : 0;
      const up = r > 0 ? (out[(r - 1) * columns + c] ?? 0) : 0;
      const upLeft = r > 0 && c >= bpp ? (out[(r - 1) * columns + c - bpp] ?? 0) : 0;
      let v = x;
      if (type === 1) v = x + left;
      else if (type === 2) v = x + up;
      else if (type === 3) v = x + Math.floor((left + up) / 2);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

/** A parsed PDF file with every revision's cross-reference table. */
export class PdfFile {
  readonly revisions: Revision[] = [];
  private readonly sectionCache = new Map<string, { entries: Map<number, XrefEntry>; trailer: PdfDict }>();
  private readonly objectCache = new Map<string, PdfValue>();

  constructor(readonly bytes: Uint8Array) {
    const headerAt = Buffer.from(bytes.subarray(0, 1024)).indexOf('%PDF-');
    if (headerAt < 0) throw new PdfSyntaxError('no %PDF header');
    const eofs = findAll(bytes, '%%EOF');
    const startxrefs = findAll(bytes, 'startxref');
    for (const eofAt of eofs) {
      const sx = startxrefs.filter((p) => p < eofAt).pop();
      if (sx === undefined) continue;
      const lexer = new Lexer(bytes, sx + 9);
      const offset = Number(lexer.readWord());
      let end = eofAt + 5;
      if (bytes[end] === 0x0d) end++;
      if (bytes[end] === 0x0a) end++;
      // Bytes before the header shift every offset for readers that count from %PDF-: try both.
      for (const base of headerAt > 0 ? [0, headerAt] : [0]) {
        try {
          const { xref, trailer } = this.loadChain(offset, base);
          this.revisions.push({ end, eofAt, xref, trailer });
          break;
        } catch {
          // A startxref that points nowhere (linearisation hints, damage): not a usable revision.
        }
      }
    }
    if (this.revisions.length === 0) throw new PdfSyntaxError('no readable cross-reference table');
  }

  get last(): Revision {
    return this.revisions[this.revisions.length - 1] as Revision;
  }

  private loadChain(offset: number, base: number): { xref: Map<number, XrefEntry>; trailer: PdfDict } {
    const xref = new Map<number, XrefEntry>();
    let trailer: PdfDict | undefined;
    const seen = new Set<number>();
    const queue = [offset + base];
    while (queue.length > 0) {
      const at = queue.shift() as number;
      if (seen.has(at) || seen.size > 500) continue;
      seen.add(at);
      let section: { entries: Map<number, XrefEntry>; trailer: PdfDict };
      try {
        section = this.loadSection(at, base);
      } catch (error) {
        // The newest section must read; an older one that is damaged (a repaired file keeps a
        // /Prev to it) only loses entries the newer sections already redefine.
        if (trailer === undefined) throw error;
        continue;
      }
      trailer ??= section.trailer;
      for (const [num, entry] of section.entries) if (!xref.has(num)) xref.set(num, entry);
      const stm = section.trailer.get('XRefStm');
      if (typeof stm === 'number') queue.unshift(stm + base);
      const prev = section.trailer.get('Prev');
      if (typeof prev === 'number') queue.push(prev + base);
    }
    if (!trailer) throw new PdfSyntaxError('no trailer');
    return { xref, trailer };
  }

  private loadSection(offset: number, base: number): { entries: Map<number, XrefEntry>; trailer: PdfDict } {
    const cached = this.sectionCache.get(`${offset}:${base}`);
    if (cached) return cached;
    const lexer = new Lexer(this.bytes, offset);
    const entries = new Map<number, XrefEntry>();
    let trailer: PdfDict;
    if (lexer.peekWord() === 'xref') {
      lexer.readWord();
      for (;;) {
        const word = lexer.readWord();
        if (word === 'trailer') break;
        const start = Number(word);
        const count = Number(lexer.readWord());
        if (!Number.isInteger(start) || !Number.isInteger(count))
          throw new PdfSyntaxError('bad xref subsection');
        for (let i = 0; i < count; i++) {
          const off = Number(lexer.readWord());
          const gen = Number(lexer.readWord());
          const type = lexer.readWord();
          if (!entries.has(start + i))
            entries.set(
              start + i,
              type === 'n' ? { kind: 'offset', offset: off + base, gen } : { kind: 'free' },
            );
        }
      }
      const t = lexer.readValue();
      if (!isDict(t)) throw new PdfSyntaxError('bad trailer');
      trailer = t;
    } else {
      const obj = this.readIndirectAt(offset);
      if (!(obj instanceof PdfStream) || nameOf(obj.dict.get('Type')) !== 'XRef')
        throw new PdfSyntaxError('startxref points at neither xref nor xref stream');
      const data = this.decodeStream(obj);
      const w = (obj.dict.get('W') as number[]).map(Number);
      const size = Number(obj.dict.get('Size'));
      const index = (obj.dict.get('Index') as number[] | undefined)?.map(Number) ?? [0, size];
      const rowLength = w.reduce((a, b) => a + b, 0);
      let pos = 0;
      const field = (width: number, dflt: number) => {
        if (width === 0) return dflt;
        let v = 0;
        for (let i = 0; i < width; i++) v = v * 256 + (data[pos++] ?? 0);
        return v;
      };
      for (let s = 0; s + 1 < index.length; s += 2) {
        const start = index[s] as number;
        for (let i = 0; i < (index[s + 1] as number) && pos + rowLength <= data.length; i++) {
          const type = field(w[0] ?? 1, 1);
          const a = field(w[1] ?? 0, 0);
          const b = field(w[2] ?? 0, 0);
          entries.set(
            start + i,
            type === 1
              ? { kind: 'offset', offset: a + base, gen: b }
              : type === 2
                ? { kind: 'compressed', stream: a, index: b }
                : { kind: 'free' },
          );
        }
      }
      trailer = obj.dict;
    }
    const section = { entries, trailer };
    this.sectionCache.set(`${offset}:${base}`, section);
    return section;
  }

  /** Parses `n g obj … endobj` at `offset`. */
  readIndirectAt(offset: number, rev?: Revision): PdfValue {
    const lexer = new Lexer(this.bytes, offset);
    lexer.readWord();
    lexer.readWord();
    lexer.expectWord('obj');
    const value = lexer.readValue();
    if (!isDict(value) || lexer.peekWord() !== 'stream') return value;
    lexer.readWord();
    if (this.bytes[lexer.pos] === 0x0d) lexer.pos++;
    if (this.bytes[lexer.pos] === 0x0a) lexer.pos++;
    const start = lexer.pos;
    let length = value.get('Length');
    if (length instanceof PdfRef && rev) length = this.resolve(length, rev);
    let end = typeof length === 'number' ? start + length : -1;
    const after = end >= 0 ? Buffer.from(this.bytes.subarray(end, end + 20)).toString('latin1') : '';
    if (!/^\s*endstream/.test(after)) {
      end = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length).indexOf(
        'endstream',
        start,
      );
      if (end < 0) throw new PdfSyntaxError('unterminated stream');
      if (this.bytes[end - 1] === 0x0a) end--;
      if (this.bytes[end - 1] === 0x0d) end--;
    }
    return new PdfStream(value, this.bytes.subarray(start, end));
  }

  /** Decoded stream data (FlateDecode with PNG predictors; other filters are returned raw). */
  decodeStream(stream: PdfStream): Buffer {
    const filters = stream.dict.get('Filter');
    const list = Array.isArray(filters) ? filters.map(nameOf) : [nameOf(filters ?? null)];
    let data: Buffer = Buffer.from(stream.raw);
    const params = stream.dict.get('DecodeParms');
    for (const [i, f] of list.entries()) {
      if (f === undefined) continue;
      if (f !== 'FlateDecode') return data;
      data = inflateSync(data);
      const p = Array.isArray(params) ? params[i] : params;
      data = decodePredictor(data, isDict(p) ? p : undefined);
    }
    return data;
  }

  /** The object `num` as it stood in revision `rev` (null when absent or free). */
  getObject(num: number, rev: Revision): PdfValue {
    const entry = rev.xref.get(num);
    if (!entry || entry.kind === 'free') return null;
    const key = entry.kind === 'offset' ? `o${entry.offset}` : `c${entry.stream}:${entry.index}:${rev.end}`;
    const cached = this.objectCache.get(key);
    if (cached !== undefined) return cached;
    let value: PdfValue;
    try {
      if (entry.kind === 'offset') value = this.readIndirectAt(entry.offset, rev);
      else {
        const stm = this.getObject(entry.stream, rev);
        if (!(stm instanceof PdfStream)) return null;
        const data = this.decodeStream(stm);
        const n = Number(stm.dict.get('N'));
        const first = Number(stm.dict.get('First'));
        const header = new Lexer(data, 0);
        const pairs: number[] = [];
        for (let i = 0; i < n * 2; i++) pairs.push(Number(header.readWord()));
        const off = pairs[entry.index * 2 + 1];
        if (off === undefined) return null;
        value = new Lexer(data, first + off).readValue();
      }
    } catch {
      value = null;
    }
    this.objectCache.set(key, value);
    return value;
  }

  resolve(v: PdfValue | undefined, rev: Revision): PdfValue {
    let cur: PdfValue = v ?? null;
    for (let i = 0; i < 10 && cur instanceof PdfRef; i++) cur = this.getObject(cur.num, rev);
    return cur;
  }

  resolveDict(v: PdfValue | undefined, rev: Revision): PdfDict | undefined {
    const r = this.resolve(v, rev);
    if (r instanceof PdfStream) return r.dict;
    return isDict(r) ? r : undefined;
  }
}
