export interface FormPart {
  name: string;
  fileName?: string;
  data: Buffer;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data Content-Type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!/^multipart\/form-data\b/i.test(contentType ?? '')) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  return m?.[1] ?? m?.[2];
}

/**
 * The parts of a multipart/form-data body (RFC 7578) already in memory: one small form (a file
 * and a text field) needs no streaming parser. Parts without a name are skipped.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter has no CRLF before it when the body starts with it.
  const framed = Buffer.concat([Buffer.from('\r\n'), body]);
  const parts: FormPart[] = [];
  let at = framed.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (framed.subarray(start, start + 2).toString() === '--') break;
    const next = framed.indexOf(delimiter, start);
    if (next === -1) break;
    const part = framed.subarray(start + 2, next);
    const headerEnd = part.indexOf(CRLF_CRLF);
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name)
        parts.push({
          name,
          ...(fileName !== undefined ? { fileName } : {}),
          data: part.subarray(headerEnd + CRLF_CRLF.length),
        });
    }
    at = next;
  }
  return parts;
}
