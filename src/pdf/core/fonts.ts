import { CustomFontSubsetEmbedder, type PDFContext, type PDFRef } from 'pdf-lib';
import { type FontKey, sanitise, showText, textWidth } from './text.js';

/** A standard font, or the caller's Unicode TrueType font for text WinAnsi cannot hold. */
export type DrawFont = FontKey | 'unicode';

/**
 * The fonts of one seal. Text is drawn in the standard fonts when WinAnsi can encode it (most
 * French and English text), otherwise — names like "Łukasz Dvořák" or "Nguyễn" — in the Unicode font
 * the caller provides (e.g. DejaVu Sans), embedded as a subset of the glyphs used. Without one,
 * such characters print as "?" (the evidence JSON keeps them exactly).
 */
export class Fonts {
  private constructor(private readonly unicode: CustomFontSubsetEmbedder | null) {}

  static async load(unicodeFont: Uint8Array | undefined): Promise<Fonts> {
    if (!unicodeFont) return new Fonts(null);
    // Loaded on first use: fontkit adds ~30 MB to every process that imports it.
    const { default: fontkit } = await import('@pdf-lib/fontkit');
    return new Fonts(await CustomFontSubsetEmbedder.for(fontkit, unicodeFont));
  }

  get hasUnicode(): boolean {
    return this.unicode !== null;
  }

  /** The font a run of text is drawn in. */
  choose(text: string, preferred: FontKey): DrawFont {
    if (!this.unicode || sanitise(text, preferred) === sanitiseControls(text)) return preferred;
    return 'unicode';
  }

  width(text: string, size: number, font: DrawFont): number {
    if (font !== 'unicode' || !this.unicode)
      return textWidth(text, size, font === 'unicode' ? 'regular' : font);
    return this.unicode.widthOfTextAtSize(sanitiseControls(text), size);
  }

  /** The text as the hex operand of `Tj` in `font`. */
  show(text: string, font: DrawFont): string {
    if (font !== 'unicode' || !this.unicode) return showText(text, font === 'unicode' ? 'regular' : font);
    return this.unicode.encodeText(sanitiseControls(text)).toString();
  }

  /** Greedy word wrap on measured widths; words longer than a line are cut. */
  wrap(text: string, width: number, size: number, font: DrawFont): string[] {
    const lines: string[] = [];
    let line = '';
    const fits = (s: string) => this.width(s, size, font) <= width;
    for (const word of sanitiseControls(text).split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (fits(candidate)) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (!fits(rest) && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    if (line) lines.push(line);
    return lines.length > 0 ? lines : [''];
  }

  /** Writes the subset font (glyphs used so far) as `ref`. Call once, after all text is shown. */
  async embed(context: PDFContext, ref: PDFRef): Promise<void> {
    if (this.unicode) await this.unicode.embedIntoContext(context, ref);
  }
}

/** Control characters (tabs, newlines in a pasted name) become spaces; nothing else changes. */
function sanitiseControls(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) out += (char.codePointAt(0) ?? 0) < 0x20 ? ' ' : char;
  return out;
}
