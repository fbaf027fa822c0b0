import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFName, type PDFObject, type PDFRawStream, type PDFRef } from 'pdf-lib';
import { AppError } from '../../shared/errors.js';
import { type Locale, t } from '../../shared/i18n/index.js';
import type { PdfEdit } from '../core/edit.js';
import type { Fonts } from '../core/fonts.js';
import { num } from '../core/text.js';
import { pageOpenSaves } from './content-balance.js';
import { displayedSize, stampMatrix, type VisualRect } from './geometry.js';
import { normalisePng } from './png.js';

export type { VisualRect } from './geometry.js';

/** One drawn signature to place on a page. */
export interface Stamp {
  /** 1-based page number in the original document. */
  page: number;
  /** Where, in the page's visual coordinates (see VisualRect). */
  rect: VisualRect;
  /** The drawn signature, PNG (transparency kept). Decoded and re-encoded here. */
  imagePng: Uint8Array;
  signerName: string;
  signedAt: Date;
}

/** Slack for rectangles computed in a browser from rounded CSS pixels. */
const TOLERANCE = 1;

function formatDate(date: Date, locale: Locale): string {
  const iso = date.toISOString();
  const [y, m, d] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const time = iso.slice(11, 16);
  return locale === 'fr' ? `${d}/${m}/${y} ${time} UTC` : `${y}-${m}-${d} ${time} UTC`;
}

/** Caption lines, each with its font, and one font size shrunk until every line fits the width. */
function caption(stamp: Stamp, o: { locale: Locale; fonts: Fonts; width: number; height: number }) {
  const texts = [
    stamp.signerName,
    t(o.locale, 'pdf.stamp.signedOn', { date: formatDate(stamp.signedAt, o.locale) }),
  ];
  const lines = texts.map((text) => ({ text, font: o.fonts.choose(text, 'regular') }));
  let size = Math.min(9, Math.max(3, o.height * 0.12));
  const widest = Math.max(...lines.map((l) => o.fonts.width(l.text, 1, l.font)));
  if (widest * size > o.width * 0.96) size = Math.max(2, (o.width * 0.96) / widest);
  return { lines, size };
}

function imageXObject(edit: PdfEdit, png: Uint8Array): PDFRef {
  const image = normalisePng(png);
  const common = {
    Type: 'XObject',
    Subtype: 'Image',
    Width: image.width,
    Height: image.height,
    BitsPerComponent: 8,
  };
  const smask = image.alpha
    ? edit.add(edit.stream(image.alpha, { ...common, ColorSpace: 'DeviceGray' }))
    : undefined;
  return edit.add(
    edit.stream(image.rgb, { ...common, ColorSpace: 'DeviceRGB', ...(smask ? { SMask: smask } : {}) }),
  );
}

/** The stamp as a Form XObject drawn upright in [0 0 width height]: image on top, caption below. */
function stampXObject(o: {
  edit: PdfEdit;
  stamp: Stamp;
  image: PDFRef;
  locale: Locale;
  fonts: Fonts;
}): PDFRef {
  const { edit, stamp, fonts } = o;
  const { width, height } = stamp.rect;
  const { lines, size } = caption(stamp, { locale: o.locale, fonts, width, height });
  const leading = size * 1.2;
  const band = Math.min(height * 0.5, lines.length * leading + size * 0.3);
  const imageObject = edit.pdf.context.lookup(o.image) as PDFRawStream;
  const pxWidth = Number(imageObject.dict.lookup(PDFName.of('Width'))?.toString() ?? 1);
  const pxHeight = Number(imageObject.dict.lookup(PDFName.of('Height'))?.toString() ?? 1);
  const areaHeight = height - band;
  const scale = Math.min(width / pxWidth, areaHeight / pxHeight);
  const drawW = pxWidth * scale;
  const drawH = pxHeight * scale;
  let content = `q ${num(drawW)} 0 0 ${num(drawH)} ${num((width - drawW) / 2)} ${num(band + (areaHeight - drawH) / 2)} cm /Im Do Q\n`;
  content += 'BT 0.1 0.1 0.35 rg\n';
  lines.forEach((line, i) => {
    const x = Math.max(0, (width - fonts.width(line.text, size, line.font)) / 2);
    const y = band - (i + 1) * leading + leading * 0.25;
    const resource = line.font === 'unicode' ? '/U' : '/F';
    content += `${resource} ${num(size)} Tf 1 0 0 1 ${num(x)} ${num(Math.max(0, y))} Tm ${fonts.show(line.text, line.font)} Tj\n`;
  });
  content += 'ET\n';
  const context = edit.pdf.context;
  const unicodeRef = edit.unicodeFontRef;
  return edit.add(
    edit.stream(content, {
      Type: 'XObject',
      Subtype: 'Form',
      BBox: context.obj([0, 0, width, height]),
      Resources: context.obj({
        XObject: { Im: o.image },
        Font: { F: edit.font('regular'), ...(unicodeRef ? { U: unicodeRef } : {}) },
      }),
    }),
  );
}

/** Existing content of a page as a list of stream references (inline arrays and shared arrays flattened). */
function contentRefs(edit: PdfEdit, page: PDFDict): PDFObject[] {
  const contents = page.get(PDFName.of('Contents'));
  if (contents === undefined) return [];
  const resolved = edit.pdf.context.lookup(contents);
  if (resolved instanceof PDFArray) return resolved.asArray();
  return [contents];
}

/**
 * Draws every stamp on its page. Each page's own content is wrapped in q…Q first (a page that
 * leaves the graphics state changed cannot move or hide the stamps), then the stamps are painted as
 * Form XObjects. Resources are copied onto the page (they may be inherited or shared), never edited
 * in place.
 */
export function applyStamps(o: {
  edit: PdfEdit;
  stamps: Stamp[];
  locale: Locale;
  fileName: string;
  fonts: Fonts;
}): void {
  const { edit } = o;
  const context = edit.pdf.context;
  const byPage = new Map<number, Stamp[]>();
  for (const stamp of o.stamps) {
    const page = edit.pdf.pages[stamp.page - 1];
    if (!Number.isInteger(stamp.page) || !page) {
      throw new AppError('PDF_PAGE_OUT_OF_RANGE', `stamp on page ${stamp.page} of ${edit.pdf.pages.length}`, {
        details: { page: stamp.page, fileName: o.fileName },
      });
    }
    const size = displayedSize(page);
    const r = stamp.rect;
    const isInside =
      [r.x, r.y, r.width, r.height].every(Number.isFinite) &&
      r.width > 0 &&
      r.height > 0 &&
      r.x >= -TOLERANCE &&
      r.y >= -TOLERANCE &&
      r.x + r.width <= size.width + TOLERANCE &&
      r.y + r.height <= size.height + TOLERANCE;
    if (!isInside) {
      throw new AppError(
        'PDF_STAMP_RECT_INVALID',
        `stamp rect ${JSON.stringify(r)} outside page ${stamp.page}`,
        {
          details: { page: stamp.page },
        },
      );
    }
    byPage.set(stamp.page, [...(byPage.get(stamp.page) ?? []), stamp]);
  }
  if (byPage.size === 0) return;
  const images = new Map<string, PDFRef>();
  const open = edit.add(edit.stream('q\n'));
  let counter = 0;
  for (const [pageNumber, stamps] of byPage) {
    const page = edit.pdf.pages[pageNumber - 1];
    if (!page) continue;
    const resources = PDFDict.withContext(context);
    const inherited = edit.lookupDict(page.resources);
    for (const [key, value] of inherited?.entries() ?? []) resources.set(key, value);
    const xobjects = PDFDict.withContext(context);
    const existing = edit.lookupDict(inherited?.get(PDFName.of('XObject')));
    for (const [key, value] of existing?.entries() ?? []) xobjects.set(key, value);
    const existingContent = contentRefs(edit, page.dict);
    let draw = `\n${'Q\n'.repeat(1 + pageOpenSaves(context, existingContent))}`;
    for (const stamp of stamps) {
      const digest = createHash('sha256').update(stamp.imagePng).digest('hex');
      const image = images.get(digest) ?? imageXObject(edit, stamp.imagePng);
      images.set(digest, image);
      let name: PDFName;
      do name = PDFName.of(`ParapheStamp${++counter}`);
      while (xobjects.has(name));
      xobjects.set(name, stampXObject({ edit, stamp, image, locale: o.locale, fonts: o.fonts }));
      draw += `q ${stampMatrix(page, stamp.rect).map(num).join(' ')} cm ${name.toString()} Do Q\n`;
    }
    resources.set(PDFName.of('XObject'), xobjects);
    const close = edit.add(edit.stream(draw));
    page.dict.set(PDFName.of('Contents'), context.obj([open, ...existingContent, close]));
    page.dict.set(PDFName.of('Resources'), resources);
    edit.markChanged(page.ref);
  }
}

/** Names of the stamp XObjects on a page's resources (to check the output). */
export function isStampName(name: string): boolean {
  return name.startsWith('/ParapheStamp');
}
