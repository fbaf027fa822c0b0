import libmime from 'libmime';

/** One header field as it sits in the message: its exact bytes and its unfolded value. */
export interface HeaderField {
  /** Lower-cased field name. */
  name: string;
  /** Unfolded value, decoded as UTF-8 when valid, else Latin-1 (raw 8-bit headers exist). */
  value: string;
  /** Byte range of the whole field, folded lines included, line ending excluded. */
  start: number;
  end: number;
}

/**
 * A MIME entity located by byte offsets in the original message, so that everything we do not
 * edit can be copied byte for byte.
 */
export interface MimeEntity {
  start: number;
  /** Where the header block ends: the blank line (or the body, when there is no blank line). */
  headerEnd: number;
  bodyStart: number;
  /** End of the body, excluding the line break that belongs to the next boundary delimiter. */
  end: number;
  headers: HeaderField[];
  /**
   * Lower-cased `type/subtype`; `text/plain` when absent (RFC 2045 default), `application/octet-stream`
   * when unreadable (except `multipart/…`, kept as written).
   */
  contentType: string;
  hasContentType: boolean;
  params: Record<string, string>;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  transferEncoding: string;
  children: MimeEntity[];
  /** Multipart only: offset of the first boundary delimiter line (where a new first part goes). */
  firstDelimiter: number | null;
  /** The structure could not be read as the RFC says (no boundary, no delimiter, unclosed). */
  isMalformed: boolean;
}

const maxDepth = 40;

/** Parses a whole message into its entity tree. Never throws on malformed input. */
export function parseMessage(raw: Uint8Array): MimeEntity {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return parseEntity(buf, 0, buf.length, 0);
}

/** `\r\n` when the message uses CRLF line breaks (SMTP), `\n` for files saved with bare LF. */
export function lineBreakOf(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const lf = buf.indexOf(10);
  return lf > 0 && buf[lf - 1] === 13 ? '\r\n' : '\n';
}

function decodeHeaderBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? bytes.toString('latin1') : text;
}

function parseHeaders(
  buf: Buffer,
  start: number,
  end: number,
): { headers: HeaderField[]; headerEnd: number; bodyStart: number } {
  const headers: HeaderField[] = [];
  let pos = start;
  let current: { start: number; end: number } | null = null;
  const flush = () => {
    if (!current) return;
    const rawField = buf.subarray(current.start, current.end);
    const text = decodeHeaderBytes(rawField);
    const colon = text.indexOf(':');
    if (colon > 0) {
      headers.push({
        name: text.slice(0, colon).trim().toLowerCase(),
        value: text
          .slice(colon + 1)
          .replace(/\r?\n(?=[ \t])/g, '')
          .trim(),
        start: current.start,
        end: current.end,
      });
    }
    current = null;
  };
  while (pos < end) {
    let lineEnd = buf.indexOf(10, pos);
    if (lineEnd === -1 || lineEnd >= end) lineEnd = end;
    const contentEnd = lineEnd > pos && buf[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) {
      flush();
      return { headers, headerEnd: pos, bodyStart: Math.min(lineEnd + 1, end) };
    }
    const first = buf[pos];
    if ((first === 32 || first === 9) && current) {
      current.end = contentEnd;
    } else {
      flush();
      current = { start: pos, end: contentEnd };
    }
    pos = lineEnd + 1;
  }
  flush();
  return { headers, headerEnd: end, bodyStart: end };
}

function parseEntity(buf: Buffer, start: number, end: number, depth: number): MimeEntity {
  const { headers, headerEnd, bodyStart } = parseHeaders(buf, start, end);
  const ctField = headers.find((h) => h.name === 'content-type');
  const ct = ctField ? libmime.parseHeaderValue(ctField.value) : { value: 'text/plain', params: {} };
  let contentType = ct.value.toLowerCase().trim();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(contentType)) {
    // Read as mail clients do: any `multipart/…` (`multipart/*` too) is split on its boundary; any
    // other unreadable type (`application-x-gzip`, a bare `text`) is shown as an attachment, so
    // it is never edited as text.
    contentType = contentType.startsWith('multipart/') ? contentType : 'application/octet-stream';
  }
  const cdField = headers.find((h) => h.name === 'content-disposition');
  const cd = cdField ? libmime.parseHeaderValue(cdField.value) : null;
  const cte = headers.find((h) => h.name === 'content-transfer-encoding');
  const entity: MimeEntity = {
    start,
    headerEnd,
    bodyStart,
    end,
    headers,
    contentType,
    hasContentType: ctField !== undefined,
    params: lowerKeys(ct.params),
    disposition: cd ? cd.value.toLowerCase().trim() : null,
    dispositionParams: cd ? lowerKeys(cd.params) : {},
    transferEncoding: cte ? cte.value.toLowerCase().trim() : '7bit',
    children: [],
    firstDelimiter: null,
    isMalformed: false,
  };
  if (contentType.startsWith('multipart/')) splitMultipart(buf, entity, depth);
  return entity;
}

function lowerKeys(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) out[key.toLowerCase()] = value;
  return out;
}

function splitMultipart(buf: Buffer, entity: MimeEntity, depth: number): void {
  const boundary = entity.params.boundary;
  if (!boundary || depth >= maxDepth) {
    entity.isMalformed = true;
    return;
  }
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const delimiters: { lineStart: number; next: number; isClose: boolean }[] = [];
  let from = entity.bodyStart;
  while (from < entity.end) {
    const at = buf.indexOf(marker, from);
    if (at === -1 || at >= entity.end) break;
    from = at + marker.length;
    if (at !== entity.bodyStart && buf[at - 1] !== 10) continue;
    let p = at + marker.length;
    const isClose = buf[p] === 45 && buf[p + 1] === 45;
    if (isClose) p += 2;
    while (p < entity.end && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p < entity.end && buf[p] !== 13 && buf[p] !== 10) continue;
    if (buf[p] === 13) p++;
    if (buf[p] === 10) p++;
    delimiters.push({ lineStart: at, next: Math.min(p, entity.end), isClose });
    from = p;
    if (isClose) break;
  }
  const first = delimiters[0];
  const last = delimiters[delimiters.length - 1];
  if (!first || first.isClose || !last) {
    entity.isMalformed = true;
    return;
  }
  if (!last.isClose) {
    // Truncated: read the parts we can (their PDFs count) but never edit this structure.
    entity.isMalformed = true;
    delimiters.push({ lineStart: entity.end, next: entity.end, isClose: true });
  }
  // RFC 2046: 1-70 characters, not ending with a space. Parsers disagree on other boundaries
  // (trailing spaces trimmed or not), so such a structure is read but never edited.
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) entity.isMalformed = true;
  entity.firstDelimiter = first.lineStart;
  for (let i = 0; i + 1 < delimiters.length; i++) {
    const open = delimiters[i];
    const close = delimiters[i + 1];
    if (!open || !close) continue;
    let partEnd = close.lineStart;
    if (partEnd > open.next && buf[partEnd - 1] === 10) partEnd--;
    if (partEnd > open.next && buf[partEnd - 1] === 13) partEnd--;
    const child = parseEntity(buf, open.next, Math.max(partEnd, open.next), depth + 1);
    entity.children.push(child);
  }
  if (entity.children.some((c) => c.isMalformed)) entity.isMalformed = true;
}

/** The header value of `name` (first occurrence), or undefined. */
export function headerValue(entity: MimeEntity, name: string): string | undefined {
  return entity.headers.find((h) => h.name === name)?.value;
}

/** Every leaf below `entity` in document order, not descending into attached messages. */
export function leavesOf(entity: MimeEntity): MimeEntity[] {
  if (entity.children.length === 0) return [entity];
  return entity.children.flatMap(leavesOf);
}
