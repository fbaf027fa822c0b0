import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import type { MailAddress } from '../../../envelopes/index.js';
import { type Locale, negotiateLocale } from '../../../shared/i18n/index.js';
import { decodeBody } from './mime/body-codec.js';
import { headerValue, leavesOf, type MimeEntity, parseMessage } from './mime/parse-entity.js';
import { decodeSubject } from './mime/subject.js';

/** A file the sender attached (or any part that is a PDF by its content). */
export interface AttachedFile {
  fileName: string;
  bytes: Buffer;
  isPdf: boolean;
}

/** What a *SIGN message says, read from its headers and parts. */
export interface MessageFacts {
  subject: string;
  messageId: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  locale: Locale;
  files: AttachedFile[];
}

/** `%PDF-` within the first 1024 bytes, as PDF readers accept it, whatever the declared type. */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024 + 5));
  return head.indexOf('%PDF-', 0, 'latin1') !== -1;
}

function addresses(root: MimeEntity, name: string): MailAddress[] {
  const out: MailAddress[] = [];
  for (const field of root.headers.filter((h) => h.name === name)) {
    for (const entry of addressparser(field.value, { flatten: true })) {
      if (entry.address)
        out.push({
          address: entry.address.toLowerCase(),
          name: entry.name ? libmime.decodeWords(entry.name) : null,
        });
    }
  }
  return out;
}

function fileNameOf(leaf: MimeEntity, index: number, isPdf: boolean): string {
  const declared = leaf.dispositionParams.filename ?? leaf.params.name;
  const decoded = declared ? libmime.decodeWords(declared) : '';
  // Keep the last path segment only, and no control characters: it is shown in mails and pages.
  const lastSegment = decoded.split(/[\\/]/).pop() ?? '';
  const clean = [...lastSegment]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  if (clean) return clean;
  return isPdf ? `document-${index}.pdf` : `attachment-${index}`;
}

/**
 * The language of the sender's message: Content-Language, else Accept-Language (some clients
 * send it), else French.
 */
function localeOf(root: MimeEntity): Locale {
  return negotiateLocale(headerValue(root, 'content-language') ?? headerValue(root, 'accept-language'));
}

/**
 * Reads a message for a signature request. PDFs are recognised by content in every part, nested
 * multiparts included (signed messages too), but not inside an attached message (message/rfc822):
 * a forwarded mail's PDFs belong to that mail, not to this request.
 */
export function analyseMessage(raw: Uint8Array): MessageFacts {
  const root = parseMessage(raw);
  const files: AttachedFile[] = [];
  let index = 0;
  for (const leaf of leavesOf(root)) {
    const isDeclaredFile =
      leaf.disposition === 'attachment' ||
      leaf.dispositionParams.filename !== undefined ||
      leaf.params.name !== undefined;
    if (leaf.contentType.startsWith('multipart/')) continue;
    const bytes = leaf.bodyStart > leaf.headerEnd ? decodeBody(raw, leaf) : null;
    if (!bytes) continue;
    const isPdf = looksLikePdf(bytes);
    if (!isPdf && !isDeclaredFile) continue;
    index++;
    files.push({ fileName: fileNameOf(leaf, index, isPdf), bytes, isPdf });
  }
  const messageId = headerValue(root, 'message-id')?.trim() || null;
  const fromList = addresses(root, 'from');
  return {
    subject: decodeSubject(headerValue(root, 'subject') ?? ''),
    messageId,
    from: fromList[0] ?? null,
    to: addresses(root, 'to'),
    cc: addresses(root, 'cc'),
    locale: localeOf(root),
    files,
  };
}
