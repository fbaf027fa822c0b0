/**
 * A small, read-only PDF object parser for verification: enough to follow xref tables and streams,
 * object streams and signature dictionaries. It shares no code with the writer on purpose, so a
 * bug in one is not silently mirrored by the other.
 */

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
export class PdfString {
  constructor(readonly bytes: Uint8Array) {}
  text(): string {
    const b = this.bytes;
    if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
    return Buffer.from(b).toString('latin1');
  }
}
export class PdfDict {
  constructor(readonly map: Map<string, PdfValue>) {}
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
}
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
  ) {}
}
export type PdfValue =
  | null
  | boolean
  | number
  | PdfName
  | PdfRef
  | PdfString
  | PdfDict
  | PdfStream
  | PdfValue[];

export class PdfSyntaxError extends Error {
  override readonly name = 'PdfSyntaxError';
}

const isWhite = (c: number | undefined) =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelim = (c: number | undefined) => c !== undefined && '()<>[]{}/%'.includes(String.fromCharCode(c));
const isRegular = (c: number | undefined) => c !== undefined && !isWhite(c) && !isDelim(c);

/** A cursor over the file bytes. */
export class Lexer {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  skipWhite(): void {
    const b = this.buf;
    for (;;) {
      const c = b[this.pos];
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** The next regular token (keyword or number) without consuming it, or '' at a delimiter. */
  peekWord(): string {
    this.skipWhite();
    let end = this.pos;
    while (isRegular(this.buf[end])) end++;
    return Buffer.from(this.buf.subarray(this.pos, end)).toString('latin1');
  }

  readWord(): string {
    const w = this.peekWord();
    this.pos += w.length;
    return w;
  }

  expectWord(word: string): void {
    const w = this.readWord();
    if (w !== word)
      throw new PdfSyntaxError(`expected "${word}" at ${this.pos - w.length}, found "${w.slice(0, 20)}"`);
  }

  /** Reads one value; `n g R` becomes a PdfRef. Streams are handled by readIndirect. */
  readValue(depth = 0): PdfValue {
    if (depth > 100) throw new PdfSyntaxError('objects nested too deeply');
    this.skipWhite();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file');
    if (c === 0x2f) return this.readName();
    if (c === 0x28) return this.readLiteralString();
    if (c === 0x3c) {
      if (b[this.pos + 1] === 0x3c) return this.readDict(depth);
      return this.readHexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipWhite();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return items;
        }
        if (this.pos >= b.length) throw new PdfSyntaxError('unterminated array');
        items.push(this.readValue(depth + 1));
      }
    }
    const word = this.readWord();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      if (/^\d+$/.test(word)) {
        const save = this.pos;
        const gen = this.readWord();
        if (/^\d+$/.test(gen) && this.readWord() === 'R') return new PdfRef(Number(word), Number(gen));
        this.pos = save;
      }
      return Number(word);
    }
    throw new PdfSyntaxError(
      `unexpected token "${word.slice(0, 20) || String.fromCharCode(c)}" at ${this.pos}`,
    );
  }

  private readName(): PdfName {
    this.pos++;
    let end = this.pos;
    while (isRegular(this.buf[end])) end++;
    const raw = Buffer.from(this.buf.subarray(this.pos, end)).toString('latin1');
    this.pos = end;
    return new PdfName(
      raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    );
  }

  private readDict(depth: number): PdfDict {
    this.pos += 2;
    const map = new Map<string, PdfValue>();
    for (;;) {
      this.skipWhite();
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return new PdfDict(map);
      }
      if (this.buf[this.pos] !== 0x2f) throw new PdfSyntaxError(`dictionary key expected at ${this.pos}`);
      const key = this.readName().name;
      map.set(key, this.readValue(depth + 1));
    }
  }

  private readHexString(): PdfString {
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) throw new PdfSyntaxError('unterminated hex string');
    let hex = Buffer.from(this.buf.subarray(this.pos + 1, end))
      .toString('latin1')
      .replace(/[^0-9a-fA-F]/g, '');
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(new Uint8Array(Buffer.from(hex, 'hex')));
  }

  private readLiteralString(): PdfString {
    const b = this.buf;
    const out: number[] = [];
    let level = 0;
    this.pos++;
    for (;;) {
      const c = b[this.pos++];
      if (c === undefined) throw new PdfSyntaxError('unterminated string');
      if (c === 0x5c) {
        const e = b[this.pos++];
        if (e === undefined) throw new PdfSyntaxError('unterminated string');
        const map: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12 };
        if (map[e] !== undefined) out.push(map[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && (b[this.pos] ?? 0) >= 0x30 && (b[this.pos] ?? 0) <= 0x37; i++)
            v = v * 8 + ((b[this.pos++] ?? 0) - 0x30);
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        level++;
        out.push(c);
      } else if (c === 0x29) {
        if (level === 0) return new PdfString(Uint8Array.from(out));
        level--;
        out.push(c);
      } else out.push(c);
    }
  }
}

export function nameOf(v: PdfValue | undefined): string | undefined {
  return v instanceof PdfName ? v.name : undefined;
}

export function isDict(v: PdfValue | undefined): v is PdfDict {
  return v instanceof PdfDict;
}

/** Structural equality; references compare by object number (what they point to is compared separately). */
export function sameValue(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  if (a === b) return true;
  if (a instanceof PdfName && b instanceof PdfName) return a.name === b.name;
  if (a instanceof PdfRef && b instanceof PdfRef) return a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString && b instanceof PdfString) return Buffer.compare(a.bytes, b.bytes) === 0;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a instanceof PdfDict && b instanceof PdfDict) {
    if (a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!sameValue(v, b.map.get(k))) return false;
    return true;
  }
  if (a instanceof PdfStream && b instanceof PdfStream)
    return sameValue(a.dict, b.dict) && Buffer.compare(a.raw, b.raw) === 0;
  return false;
}
