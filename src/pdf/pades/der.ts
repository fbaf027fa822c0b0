/**
 * A small DER reader and writer: just enough ASN.1 for CMS, RFC 3161, X.509, CRL and OCSP.
 * Written here rather than pulled from a library so that the bytes we sign are exactly the bytes
 * we decided on (DER sorting of SET OF, `[4]` EXPLICIT directoryName, no default values encoded).
 */

export interface DerNode {
  /** First identifier octet (class + constructed bit + low tag number). */
  readonly tag: number;
  readonly isConstructed: boolean;
  /** Offset of the identifier octet in `source`. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just after the last content octet. */
  readonly end: number;
  readonly source: Uint8Array;
  /** BER indefinite length: `end` is after the end-of-contents octets. */
  readonly isIndefinite?: boolean;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Reads one TLV at `offset`. Only definite lengths (DER); high tag numbers are refused. */
export function readTlv(source: Uint8Array, offset = 0): DerNode {
  const tag = source[offset];
  if (tag === undefined) throw new DerError(`DER: no data at offset ${offset}`);
  if ((tag & 0x1f) === 0x1f) throw new DerError('DER: high tag numbers are not supported');
  let pos = offset + 1;
  const first = source[pos++];
  if (first === undefined) throw new DerError('DER: truncated length');
  let length = first;
  if (first === 0x80) {
    // BER indefinite length (NSS writes CMS this way): children up to the end-of-contents octets.
    if ((tag & 0x20) === 0) throw new DerError('BER: indefinite length on a primitive value');
    let p = pos;
    for (let guard = 0; ; guard++) {
      if (guard > 100_000) throw new DerError('BER: too many elements');
      if (source[p] === 0 && source[p + 1] === 0) break;
      p = readTlv(source, p).end;
      if (p >= source.length) throw new DerError('BER: missing end-of-contents');
    }
    return {
      tag,
      isConstructed: true,
      start: offset,
      contentStart: pos,
      end: p + 2,
      source,
      isIndefinite: true,
    };
  }
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError('DER: oversized length');
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = source[pos++];
      if (b === undefined) throw new DerError('DER: truncated length');
      length = length * 256 + b;
    }
  }
  const end = pos + length;
  if (end > source.length) throw new DerError('DER: content runs past the end of the data');
  return { tag, isConstructed: (tag & 0x20) !== 0, start: offset, contentStart: pos, end, source };
}

/** Parses a complete DER value; trailing bytes are an error. */
export function parseDer(source: Uint8Array): DerNode {
  const node = readTlv(source, 0);
  if (node.end !== source.length) throw new DerError('DER: trailing bytes after the value');
  return node;
}

export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let pos = node.contentStart;
  const end = node.isIndefinite ? node.end - 2 : node.end;
  while (pos < end) {
    const child = readTlv(node.source, pos);
    if (child.end > node.end) throw new DerError('DER: child runs past its parent');
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The whole TLV bytes of a node. */
export function rawOf(node: DerNode): Uint8Array {
  return node.source.subarray(node.start, node.end);
}

export function contentOf(node: DerNode): Uint8Array {
  return node.source.subarray(node.contentStart, node.isIndefinite ? node.end - 2 : node.end);
}

/** Child `index`, checked to exist (and, optionally, to carry `tag`). */
export function child(node: DerNode, index: number, tag?: number): DerNode {
  const c = children(node)[index];
  if (c === undefined) throw new DerError(`DER: missing element ${index}`);
  if (tag !== undefined && c.tag !== tag)
    throw new DerError(
      `DER: element ${index} has tag 0x${c.tag.toString(16)}, expected 0x${tag.toString(16)}`,
    );
  return c;
}

export function expectTag(node: DerNode, tag: number): DerNode {
  if (node.tag !== tag)
    throw new DerError(`DER: tag 0x${node.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return node;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag number `n` (constructed unless `isPrimitive`). */
export function ctxTag(n: number, isPrimitive = false): number {
  return (isPrimitive ? 0x80 : 0xa0) | n;
}

export function decodeOid(node: DerNode): string {
  expectTag(node, TAG.OID);
  const bytes = contentOf(node);
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function decodeInteger(node: DerNode): bigint {
  expectTag(node, TAG.INTEGER);
  const bytes = contentOf(node);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

export function decodeString(node: DerNode): string {
  return Buffer.from(contentOf(node)).toString(node.tag === TAG.UTF8 ? 'utf8' : 'latin1');
}

/** UTCTime or GeneralizedTime (the forms DER allows: Z, optional fraction). */
export function decodeTime(node: DerNode): Date {
  const s = decodeString(node);
  const m =
    node.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(s);
  if (!m) throw new DerError(`DER: unsupported time ${s}`);
  let year = Number(m[1]);
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms),
  );
}

// ---- writer ----

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) out.unshift(l & 0xff);
  return [0x80 | out.length, ...out];
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function tlv(tag: number, content: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const body = content instanceof Uint8Array ? content : concatBytes(content);
  return concatBytes([Uint8Array.from([tag, ...lengthBytes(body.length)]), body]);
}

export const der = {
  seq: (...items: Uint8Array[]) => tlv(TAG.SEQUENCE, items),
  /** SET OF: elements sorted by their encodings, as DER requires. */
  setOf: (...items: Uint8Array[]) => tlv(TAG.SET, [...items].sort(compareBytes)),
  octets: (bytes: Uint8Array) => tlv(TAG.OCTET_STRING, bytes),
  null: () => Uint8Array.from([TAG.NULL, 0]),
  bool: (value: boolean) => Uint8Array.from([TAG.BOOLEAN, 1, value ? 0xff : 0]),
  utf8: (s: string) => tlv(TAG.UTF8, Buffer.from(s, 'utf8')),
  printable: (s: string) => tlv(TAG.PRINTABLE, Buffer.from(s, 'latin1')),
  ia5: (s: string) => tlv(TAG.IA5, Buffer.from(s, 'latin1')),
  /** Context-specific EXPLICIT `[n]`. */
  explicit: (n: number, inner: Uint8Array) => tlv(ctxTag(n), inner),
  /** Context-specific IMPLICIT `[n]`: replaces the identifier octet of an encoded value. */
  implicit: (n: number, encoded: Uint8Array) => {
    const node = readTlv(encoded);
    return tlv(ctxTag(n, !node.isConstructed), contentOf(node));
  },
  bitString: (bytes: Uint8Array, unusedBits = 0) =>
    tlv(TAG.BIT_STRING, concatBytes([Uint8Array.from([unusedBits]), bytes])),
  oid: encodeOid,
  int: encodeInteger,
  time: encodeTime,
};

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function encodeOid(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = parts;
  const out: number[] = [];
  for (const value of [a * 40 + b, ...rest]) {
    const bytes = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

export function encodeInteger(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  const bytes: number[] = [];
  if (v >= 0n) {
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  } else {
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v < -1n || ((bytes[0] ?? 0) & 0x80) === 0);
  }
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks. */
export function encodeTime(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'latin1'));
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}

/** The value of an OCTET STRING, joining the pieces of BER's constructed form. */
export function octetStringValue(node: DerNode): Uint8Array {
  if (!node.isConstructed) return contentOf(node);
  return concatBytes(children(node).map(octetStringValue));
}
