/** A message to hand back inside a reply: whole, or only its header section. */
export interface OriginalAttachment {
  /** False when only the headers are attached, because the whole would exceed the size limit. */
  isWhole: boolean;
  /** For nodemailer's `attachments`. */
  attachment: { content: Buffer; contentType: string; filename: string; contentDisposition: 'attachment' };
}

/** The header section of a message (up to and including the blank line), or all of it if none. */
export function headerSection(raw: Uint8Array): Buffer {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  const ends = [crlf === -1 ? -1 : crlf + 4, lf === -1 ? -1 : lf + 2].filter((n) => n > 0);
  return ends.length === 0 ? bytes : bytes.subarray(0, Math.min(...ends));
}

/**
 * Builds a reply that carries the original message, within `maxBytes`: first with the whole
 * message attached (message/rfc822), and when that would be larger than the next hop accepts,
 * again with its headers only (text/rfc822-headers, as delivery reports do), so the explanation
 * always arrives. `build` writes the sentence that says which one it got.
 */
export async function buildWithOriginal(
  original: Uint8Array,
  maxBytes: number,
  build: (original: OriginalAttachment) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const whole = await build({
    isWhole: true,
    attachment: {
      content: Buffer.from(original.buffer, original.byteOffset, original.byteLength),
      contentType: 'message/rfc822',
      filename: 'message.eml',
      // Else nodemailer shows a message/rfc822 part inline, and readers see it run into the notice.
      contentDisposition: 'attachment',
    },
  });
  if (whole.byteLength <= maxBytes) return whole;
  return build({
    isWhole: false,
    attachment: {
      content: headerSection(original),
      contentType: 'text/rfc822-headers',
      filename: 'headers.txt',
      contentDisposition: 'attachment',
    },
  });
}
