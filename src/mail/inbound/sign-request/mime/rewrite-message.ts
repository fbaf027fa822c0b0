import { createHash } from 'node:crypto';
import {
  canDecodeCharset,
  charsetOf,
  decodeBody,
  decodeText,
  encodeBody,
  encodeExactly,
  isAsciiCompatible,
  isUtf8Compatible,
} from './body-codec.js';
import { htmlInsertionIndex } from './html-insertion.js';
import { type LinkBlock, renderHtmlBlock, renderTextBlock } from './link-block.js';
import { leavesOf, lineBreakOf, type MimeEntity, parseMessage } from './parse-entity.js';
import { rewriteSubjectField } from './subject.js';

/**
 * How the block got in: `edited` (the existing text and HTML parts), `added` (a new first part in
 * the existing multipart/mixed), `wrapped` (the original untouched inside a new multipart/mixed),
 * `subject-only` (no block asked for: a Bcc recipient's copy).
 */
export type RewriteMode = 'edited' | 'added' | 'wrapped' | 'subject-only';

export interface RewriteResult {
  raw: Uint8Array;
  mode: RewriteMode;
}

interface Splice {
  start: number;
  end: number;
  bytes: Buffer;
}

/**
 * One recipient's copy of a *SIGN message: the marker taken out of the Subject and, when `block`
 * is given, the block put first in what a mail client shows. Bytes outside the edited text parts
 * are copied as they are, so attachments (and signed content) stay byte-identical.
 */
export function rewriteMessage(
  raw: Uint8Array,
  options: { marker: string; block: LinkBlock | null },
): RewriteResult {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const nl = lineBreakOf(raw);
  const root = parseMessage(raw);
  const subjectSplices: Splice[] = [];
  const subject = root.headers.find((h) => h.name === 'subject');
  if (subject) {
    const bytes = rewriteSubjectField(buf.subarray(subject.start, subject.end), options.marker, nl);
    if (bytes) subjectSplices.push({ start: subject.start, end: subject.end, bytes });
  }
  if (!options.block) return { raw: applySplices(buf, subjectSplices), mode: 'subject-only' };
  const block = options.block;

  const targets = root.bodyStart > root.headerEnd ? collectTargets(root) : null;
  if (targets) {
    const edits: Splice[] = [];
    let isEditable = true;
    for (const target of targets) {
      const splices = editLeaf(buf, target, block, nl, target === root);
      if (!splices) {
        isEditable = false;
        break;
      }
      edits.push(...splices);
    }
    if (isEditable) {
      return { raw: applySplices(buf, [...subjectSplices, ...edits]), mode: 'edited' };
    }
  }
  const boundarySeed = createHash('sha256').update(buf).digest('hex').slice(0, 24);
  if (root.contentType === 'multipart/mixed' && !root.isMalformed && root.firstDelimiter !== null) {
    const boundary = root.params.boundary ?? '';
    const part = newBlockPart(buf, block, { nl, seed: boundarySeed, isHtmlOnly: isHtmlOnly(root) });
    const bytes = Buffer.from(`--${boundary}${nl}${part}${nl}`, 'utf8');
    const insert = { start: root.firstDelimiter, end: root.firstDelimiter, bytes };
    return { raw: applySplices(buf, [...subjectSplices, insert]), mode: 'added' };
  }
  return { raw: wrap(buf, root, { subjectSplices, block, nl, boundarySeed }), mode: 'wrapped' };
}

/** RFC 2183: a disposition other than inline (even an unknown one) is shown as an attachment. */
function isAttachment(entity: MimeEntity): boolean {
  return entity.disposition !== null && entity.disposition !== 'inline';
}

/** The leaves a client shows first, or null when one of them must not be touched. */
function collectTargets(entity: MimeEntity): MimeEntity[] | null {
  if (entity.isMalformed || isAttachment(entity)) return null;
  const type = entity.contentType;
  if (type === 'text/plain' || type === 'text/html') return [entity];
  if (type === 'multipart/alternative') {
    const found: MimeEntity[] = [];
    for (const child of entity.children) {
      if (
        !['text/plain', 'text/html'].includes(child.contentType) &&
        !child.contentType.startsWith('multipart/')
      )
        continue;
      if (child.contentType === 'multipart/signed' || child.contentType === 'multipart/encrypted')
        return null;
      const inner = collectTargets(child);
      if (!inner) return null;
      found.push(...inner);
    }
    return found.length > 0 ? found : null;
  }
  if (type === 'multipart/related') {
    // RFC 2387: the root is the part named by `start` (a Content-ID; some mailers drop its angle
    // brackets), else the first part.
    const start = bareId(entity.params.start);
    const root =
      (start &&
        entity.children.find((c) =>
          c.headers.some((h) => h.name === 'content-id' && bareId(h.value) === start),
        )) ||
      entity.children[0];
    return root ? collectTargets(root) : null;
  }
  if (type === 'multipart/mixed' || type === 'multipart/report') {
    const first = entity.children[0];
    if (!first) return null;
    const isDisplayable =
      first.contentType === 'text/plain' ||
      first.contentType === 'text/html' ||
      first.contentType === 'multipart/alternative' ||
      first.contentType === 'multipart/related' ||
      first.contentType === 'multipart/mixed';
    return isDisplayable ? collectTargets(first) : null;
  }
  return null;
}

function bareId(id: string | undefined): string {
  return (id ?? '')
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
}

/**
 * Whether what a client shows of this entity is HTML only (no text/plain to show): the block's
 * own part is then HTML only too, so that a client that turns HTML into text puts the block and
 * the original in one text, in that order.
 */
function isHtmlOnly(entity: MimeEntity): boolean {
  const shown = leavesOf(entity).filter((l) => !isAttachment(l));
  return (
    shown.some((l) => l.contentType === 'text/html') && !shown.some((l) => l.contentType === 'text/plain')
  );
}

/** Splices that put the block into one text leaf, or null when its encoding or charset is unreadable. */
function editLeaf(
  buf: Buffer,
  leaf: MimeEntity,
  block: LinkBlock,
  nl: string,
  isRoot: boolean,
): Splice[] | null {
  if (leaf.bodyStart <= leaf.headerEnd) return null;
  const decoded = decodeBody(buf, leaf);
  const charset = charsetOf(leaf);
  if (!decoded || !canDecodeCharset(charset)) return null;
  let bytes: Buffer;
  let setUtf8 = false;
  if (leaf.contentType === 'text/plain') {
    const bodyNl = decoded.includes('\r\n') ? '\r\n' : decoded.includes('\n') ? '\n' : nl;
    const text = renderTextBlock(block, bodyNl);
    const encoded = encodeExactly(text, charset);
    if (encoded) {
      bytes = Buffer.concat([encoded, decoded]);
      setUtf8 =
        isUtf8Compatible(charset) &&
        charset !== 'utf-8' &&
        charset !== 'utf8' &&
        !isAscii(Buffer.from(text, 'utf8'));
    } else {
      bytes = Buffer.from(text + decodeText(decoded, charset), 'utf8');
      setUtf8 = true;
    }
  } else {
    const html = renderHtmlBlock(block);
    if (isAsciiCompatible(charset)) {
      const at = htmlInsertionIndex(decoded.toString('latin1'));
      bytes = Buffer.concat([decoded.subarray(0, at), Buffer.from(html, 'latin1'), decoded.subarray(at)]);
    } else {
      const text = decodeText(decoded, charset);
      const at = htmlInsertionIndex(text);
      bytes = Buffer.from(text.slice(0, at) + html + text.slice(at), 'utf8');
      setUtf8 = true;
    }
  }
  const splices: Splice[] = [];
  let cte: string | null = null;
  let body: Buffer;
  if (leaf.transferEncoding === 'base64' || leaf.transferEncoding === 'quoted-printable') {
    body = Buffer.from(encodeBody(bytes, leaf.transferEncoding, nl), 'latin1');
  } else if (leaf.transferEncoding === '8bit' || leaf.transferEncoding === 'binary') {
    body = bytes;
  } else if (isAscii(bytes) && !hasLongLine(bytes)) {
    body = bytes;
  } else {
    body = Buffer.from(encodeBody(bytes, 'quoted-printable', nl), 'latin1');
    cte = 'quoted-printable';
  }
  if (isRoot && buf[leaf.end - 1] === 10 && body[body.length - 1] !== 10)
    body = Buffer.concat([body, Buffer.from(nl)]);
  splices.push({ start: leaf.bodyStart, end: leaf.end, bytes: body });

  const insertAt = leaf.headerEnd;
  if (setUtf8) {
    const field = leaf.headers.find((h) => h.name === 'content-type');
    if (field) {
      const text = buf.subarray(field.start, field.end).toString('latin1');
      const charsetParam = /charset\s*=\s*("[^"]*"|[^;\s]+)/i;
      const next = charsetParam.test(text)
        ? text.replace(charsetParam, 'charset=utf-8')
        : `${text}; charset=utf-8`;
      splices.push({ start: field.start, end: field.end, bytes: Buffer.from(next, 'latin1') });
    } else {
      splices.push({
        start: insertAt,
        end: insertAt,
        bytes: Buffer.from(`Content-Type: text/plain; charset=utf-8${nl}`),
      });
    }
  }
  if (cte) {
    const field = leaf.headers.find((h) => h.name === 'content-transfer-encoding');
    const line = `Content-Transfer-Encoding: ${cte}`;
    if (field) splices.push({ start: field.start, end: field.end, bytes: Buffer.from(line) });
    else splices.push({ start: insertAt, end: insertAt, bytes: Buffer.from(`${line}${nl}`) });
  }
  return splices;
}

function isAscii(bytes: Buffer): boolean {
  return bytes.every((b) => b < 0x80);
}

function hasLongLine(bytes: Buffer): boolean {
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 10) {
      if (i - lineStart > 998) return true;
      lineStart = i + 1;
    }
  }
  return false;
}

function uniqueBoundary(buf: Buffer, seed: string, suffix: string): string {
  for (let n = 0; ; n++) {
    const candidate = `paraphe-${seed}-${suffix}${n === 0 ? '' : n}`;
    if (!buf.includes(candidate)) return candidate;
  }
}

/**
 * A body part carrying only the block: multipart/alternative (text + HTML), or HTML alone beside
 * a message that shows HTML only.
 */
function newBlockPart(
  buf: Buffer,
  block: LinkBlock,
  options: { nl: string; seed: string; isHtmlOnly: boolean },
): string {
  const { nl } = options;
  const boundary = uniqueBoundary(buf, options.seed, 'alt');
  const text = encodeBody(Buffer.from(renderTextBlock(block, nl), 'utf8'), 'quoted-printable', nl);
  const html = encodeBody(
    Buffer.from(`<!DOCTYPE html><html><body>${renderHtmlBlock(block)}</body></html>`, 'utf8'),
    'quoted-printable',
    nl,
  );
  if (options.isHtmlOnly)
    return [
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      html,
    ].join(nl);
  return [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    html,
    `--${boundary}--`,
  ].join(nl);
}

/**
 * The original content (its Content-* fields and body, untouched) becomes the second part of a
 * new multipart/mixed whose first part is the block. Used for signed, encrypted and malformed
 * messages, and whenever the displayed text cannot be edited safely.
 */
function wrap(
  buf: Buffer,
  root: MimeEntity,
  options: { subjectSplices: Splice[]; block: LinkBlock; nl: string; boundarySeed: string },
): Uint8Array {
  const { nl } = options;
  const boundary = uniqueBoundary(buf, options.boundarySeed, 'mix');
  const top: Buffer[] = [];
  const inner: Buffer[] = [];
  for (const field of root.headers) {
    const splice = options.subjectSplices.find((s) => s.start === field.start);
    const bytes = splice ? splice.bytes : buf.subarray(field.start, field.end);
    (field.name.startsWith('content-') ? inner : top).push(bytes);
  }
  const lines: Buffer[] = [];
  const push = (b: Buffer | string) =>
    lines.push(typeof b === 'string' ? Buffer.from(b, 'utf8') : b, Buffer.from(nl));
  for (const b of top) push(b);
  if (!root.headers.some((h) => h.name === 'mime-version')) push('MIME-Version: 1.0');
  push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  push('');
  push(`--${boundary}`);
  push(newBlockPart(buf, options.block, { nl, seed: options.boundarySeed, isHtmlOnly: isHtmlOnly(root) }));
  push(`--${boundary}`);
  for (const b of inner) push(b);
  push('');
  const body = root.bodyStart > root.headerEnd ? buf.subarray(root.bodyStart, root.end) : Buffer.alloc(0);
  // The line break before the closing delimiter belongs to the delimiter: the body stays as it was.
  lines.push(body, Buffer.from(nl));
  push(`--${boundary}--`);
  return Buffer.concat(lines);
}

function applySplices(buf: Buffer, splices: Splice[]): Uint8Array {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Buffer[] = [];
  let pos = 0;
  for (const s of sorted) {
    out.push(buf.subarray(pos, s.start), s.bytes);
    pos = s.end;
  }
  out.push(buf.subarray(pos));
  return Buffer.concat(out);
}
