import { StandardFontEmbedder, StandardFonts } from 'pdf-lib';

export type FontKey = 'regular' | 'bold' | 'mono';

/**
 * The three standard fonts we write with. Standard 14 fonts are not embedded: every viewer has
 * them, and their WinAnsi encoding covers French. Metrics come from pdf-lib's AFM tables.
 */
// pdf-lib's enum and its font package's enum hold the same strings under two types.
const standard = (font: StandardFonts) =>
  StandardFontEmbedder.for(font as unknown as Parameters<typeof StandardFontEmbedder.for>[0]);
const embedders: Record<FontKey, StandardFontEmbedder> = {
  regular: standard(StandardFonts.Helvetica),
  bold: standard(StandardFonts.HelveticaBold),
  mono: standard(StandardFonts.Courier),
};

export const baseFontNames: Record<FontKey, string> = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  mono: 'Courier',
};

/** Replaces what WinAnsi cannot encode (and control characters) so text never fails to render. */
export function sanitise(text: string, font: FontKey = 'regular'): string {
  const encoding = embedders[font].encoding;
  let out = '';
  for (const char of text.normalize('NFC')) {
    const cp = char.codePointAt(0) ?? 0x3f;
    if (cp < 0x20) out += ' ';
    else if (encoding.canEncodeUnicodeCodePoint(cp)) out += char;
    else if (char === '\u2014' || char === '\u2013') out += '-';
    else out += '?';
  }
  return out;
}

export function textWidth(text: string, size: number, font: FontKey = 'regular'): number {
  return embedders[font].widthOfTextAtSize(sanitise(text, font), size);
}

/** The text as a hex string operand of `Tj`, encoded for the font. */
export function showText(text: string, font: FontKey = 'regular'): string {
  return embedders[font].encodeText(sanitise(text, font)).toString();
}

/** A PDF text string (dictionary values): literal when ASCII, UTF-16BE with a BOM otherwise. */
export function pdfTextString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex.toUpperCase()}>`;
}

/** A PDF date in UTC: D:YYYYMMDDHHmmSSZ. */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Numbers in content streams: short, no exponent. */
export function num(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
