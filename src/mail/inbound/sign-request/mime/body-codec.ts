import iconv from 'iconv-lite';
import libcharset from 'libmime/lib/charset';
import libqp from 'libqp';
import type { MimeEntity } from './parse-entity.js';

/** The body of a leaf with its transfer encoding undone, or null for an encoding we cannot read. */
export function decodeBody(raw: Uint8Array, entity: MimeEntity): Buffer | null {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).subarray(entity.bodyStart, entity.end);
  switch (entity.transferEncoding) {
    case 'base64':
      return Buffer.from(buf.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return libqp.decode(buf);
    case '7bit':
    case '8bit':
    case 'binary':
    case '':
      return Buffer.from(buf);
    default:
      return null;
  }
}

/** Encodes bytes back for the wire, wrapped at 76 columns with the message's own line breaks. */
export function encodeBody(
  bytes: Buffer,
  encoding: 'base64' | 'quoted-printable',
  lineBreak: string,
): string {
  if (encoding === 'base64') {
    const text = bytes.toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
    return lines.join(lineBreak);
  }
  // libqp keeps the text's own line breaks; soft breaks must use the same style.
  const wrapped = libqp.wrap(libqp.encode(bytes), 76);
  return lineBreak === '\r\n' ? wrapped.replace(/\r?\n/g, '\r\n') : wrapped.replace(/\r\n/g, '\n');
}

/** Charsets whose bytes are not ASCII for ASCII text, or that hold state: never splice into them. */
const nonAsciiCompatible = /^(utf-?16|utf-?32|ucs-?2|ucs-?4|utf-?7|iso-?2022|hz-gb|csiso2022|unicode)/;

/** Canonical charset label of a part (`us-ascii` when none is given). */
export function charsetOf(entity: MimeEntity): string {
  return (entity.params.charset ?? 'us-ascii').trim().toLowerCase().replace(/^"|"$/g, '');
}

export function isUtf8Compatible(charset: string): boolean {
  return ['us-ascii', 'ascii', 'utf-8', 'utf8', 'ansi_x3.4-1968', ''].includes(charset);
}

/** Bytes of a charset can be searched and spliced as if they were ASCII. */
export function isAsciiCompatible(charset: string): boolean {
  if (isUtf8Compatible(charset)) return true;
  return iconv.encodingExists(charset) && !nonAsciiCompatible.test(charset);
}

/** Whether we can turn this charset into text at all (iconv-lite, plus Japanese via libmime). */
export function canDecodeCharset(charset: string): boolean {
  return (
    isUtf8Compatible(charset) ||
    iconv.encodingExists(charset) ||
    /^(iso-?2022-?jp|shift_?jis|euc-?jp)/.test(charset)
  );
}

export function decodeText(bytes: Buffer, charset: string): string {
  return isUtf8Compatible(charset) ? bytes.toString('utf8') : libcharset.decode(bytes, charset);
}

/** `text` in `charset` when every character survives the round trip, else null. */
export function encodeExactly(text: string, charset: string): Buffer | null {
  if (isUtf8Compatible(charset)) return Buffer.from(text, 'utf8');
  if (!iconv.encodingExists(charset) || nonAsciiCompatible.test(charset)) return null;
  const bytes = iconv.encode(text, charset);
  return iconv.decode(bytes, charset) === text ? bytes : null;
}
