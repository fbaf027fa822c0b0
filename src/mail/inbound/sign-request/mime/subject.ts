import libmime from 'libmime';

function markerPattern(marker: string, flags = 'i'): RegExp {
  return new RegExp(marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
}

/**
 * Whether a decoded Subject asks for signatures. Case-insensitive: people type `*sign` too.
 * Pure, so the mail listener can decide from the headers alone.
 */
export function subjectHasMarker(decodedSubject: string, marker: string): boolean {
  return marker.length > 0 && markerPattern(marker).test(decodedSubject);
}

/** The Subject people should see: every marker removed, the spaces around it collapsed. */
export function stripMarker(decodedSubject: string, marker: string): string {
  const escaped = markerPattern(marker).source;
  return decodedSubject.replace(new RegExp(`[ \\t]*${escaped}[ \\t]*`, 'gi'), ' ').trim();
}

/** RFC 2047 words decoded, folding removed. */
export function decodeSubject(unfoldedValue: string): string {
  return libmime.decodeWords(unfoldedValue).replace(/\s+/g, ' ').trim();
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The Subject field without the marker, as bytes. When the marker sits in plain text, only its
 * characters are cut, so folding and every other byte stay; when it hides in an encoded word,
 * the Subject is encoded again (RFC 2047) and folded at 76 columns. Null when there is no marker.
 */
export function rewriteSubjectField(field: Buffer, marker: string, lineBreak: string): Buffer | null {
  const text = field.toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const decodedValueOf = (fieldText: string) =>
    decodeSubject(
      Buffer.from(fieldText.slice(colon + 1), 'latin1')
        .toString('utf8')
        .replace(/\r?\n(?=[ \t])/g, ''),
    );
  const decoded = decodedValueOf(text);
  if (!subjectHasMarker(decoded, marker)) return null;
  const target = stripMarker(decoded, marker);

  const escaped = markerPattern(marker).source;
  const encodedWord = /=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=/g;
  const protectedSpans = [...text.matchAll(encodedWord)].map(
    (m) => [m.index, m.index + m[0].length] as const,
  );
  let cut = text;
  for (const m of [...text.matchAll(new RegExp(`[ \\t]?${escaped}|${escaped}[ \\t]?`, 'gi'))].reverse()) {
    const at = m.index;
    if (at <= colon || protectedSpans.some(([s, e]) => at < e && at + m[0].length > s)) continue;
    cut = cut.slice(0, at) + cut.slice(at + m[0].length);
  }
  if (normalise(decodedValueOf(cut)) === normalise(target)) return Buffer.from(cut, 'latin1');

  const name = text.slice(0, colon);
  const folded = libmime.foldLines(`${name}: ${libmime.encodeWords(target, 'Q', 52)}`, 76);
  return Buffer.from(folded.replace(/\r?\n/g, lineBreak), 'utf8');
}
