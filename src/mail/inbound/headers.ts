/**
 * Just enough header reading to decide what a message is, without parsing its MIME structure:
 * the decision must not depend on (or be slowed by) the body.
 */

/** Index of the first body byte (after the blank line ending the header), or -1 when not seen yet. */
export function findHeaderEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Header bytes as text: UTF-8 when valid (SMTPUTF8 mail), else Latin-1 (keeps every byte). */
function headerText(head: Uint8Array): string {
  try {
    return strictUtf8.decode(head);
  } catch {
    return Buffer.from(head).toString('latin1');
  }
}

/** The unfolded values of every header field called `name` (case-insensitive), in order. */
export function headerValues(head: Uint8Array, name: string): string[] {
  const unfolded = headerText(head).replace(/\r?\n(?=[ \t])/g, '');
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() === wanted) values.push(line.slice(colon + 1).trim());
  }
  return values;
}

function decodeCharset(bytes: Buffer, charset: string): string {
  // RFC 2231 allows a language suffix: =?utf-8*fr?Q?...?=
  const label = charset.split('*')[0]?.trim() || 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** Decodes RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  const encodedWord = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  const joined = value.replace(
    /(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g,
    '$1',
  );
  return joined.replace(encodedWord, (_all, charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-fA-F]{2})/g, (_m, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          );
    return decodeCharset(bytes, charset);
  });
}

/** The decoded Subject ('' when there is none). */
export function decodedSubject(head: Uint8Array): string {
  const [subject] = headerValues(head, 'subject');
  return subject === undefined ? '' : decodeEncodedWords(subject);
}

/** Whether the subject carries the marker; case-insensitive, since people type "*sign" too. */
export function hasSignMarker(subject: string, marker: string): boolean {
  return marker.length > 0 && subject.toLowerCase().includes(marker.toLowerCase());
}
