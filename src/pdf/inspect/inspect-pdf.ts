import {
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRawStream,
  PDFRef,
} from 'pdf-lib';
import type { PdfEncryption } from '../core/encryption.js';
import { type Box, type LoadedPdf, loadPdf, PdfLoadError } from '../core/load.js';
import { decodeFlateStream } from '../core/xref.js';

export type { PdfEncryption } from '../core/encryption.js';

export interface PdfPageInspection {
  /** 1-based. */
  number: number;
  /**
   * Size of the page as displayed, in points: the CropBox after /Rotate. This is the coordinate
   * space of stamp rectangles (origin top-left, y downwards).
   */
  width: number;
  height: number;
  rotate: 0 | 90 | 180 | 270;
  /** [llx, lly, urx, ury] in user space, inherited values resolved. */
  mediaBox: Box;
  cropBox: Box;
}

export interface PdfSignatureInspection {
  /**
   * 'field': the value of an AcroForm signature field; 'unlisted': a signature dictionary no field
   * reaches (still signed bytes a later change must not break); 'usage-rights': the /Perms /UR3
   * signature of a "Reader-extended" form.
   */
  source: 'field' | 'unlisted' | 'usage-rights';
  fieldName: string | null;
  subFilter: string | null;
  isCertification: boolean;
  /** DocMDP level of a certification (1: no changes, 2: forms and signing, 3: also annotations). */
  docMdpPermissions: 1 | 2 | 3 | null;
}

/** What a PDF is, as far as sealing it is concerned. Produced by `inspectPdf`, judged by `assertSignable`. */
export interface PdfInspection {
  /** Header version, or the catalog's /Version when higher. Null when the file is not a PDF. */
  version: string | null;
  pageCount: number;
  pages: PdfPageInspection[];
  encryption: PdfEncryption;
  /**
   * 'none': the cross-reference chain is sound; 'repairable': it is broken but the objects could be
   * recovered (the seal then appends a complete cross-reference section); 'unrepairable': nothing usable.
   */
  damage: 'none' | 'repairable' | 'unrepairable';
  /** Why the file is damaged (for logs), or null. */
  damageReason: string | null;
  signatures: PdfSignatureInspection[];
  isCertified: boolean;
  /** /Perms /UR3: usage rights ("Reader-extended" form), which any later change invalidates. */
  hasUsageRights: boolean;
  hasForm: boolean;
  hasXfa: boolean;
  /** XFA that viewers render instead of the page content (stamps would be invisible in Acrobat). */
  isDynamicXfa: boolean;
  hasJavaScript: boolean;
}

const name = (value: string) => PDFName.of(value);

function fieldName(field: PDFDict): string | null {
  const t = field.lookup(name('T'));
  return t && 'decodeText' in t && typeof t.decodeText === 'function' ? String(t.decodeText()) : null;
}

function docMdpLevel(sig: PDFDict): 1 | 2 | 3 | null {
  const references = sig.lookup(name('Reference'));
  if (!(references instanceof PDFArray)) return null;
  for (let i = 0; i < references.size(); i++) {
    const ref = references.lookup(i);
    if (!(ref instanceof PDFDict) || ref.lookup(name('TransformMethod')) !== name('DocMDP')) continue;
    const params = ref.lookup(name('TransformParams'));
    const p = params instanceof PDFDict ? params.lookup(name('P')) : undefined;
    const level = p instanceof PDFNumber ? p.asNumber() : 2;
    return level === 1 || level === 3 ? level : 2;
  }
  return null;
}

/** A signature dictionary by its shape: some writers omit /Type /Sig, none omits these two. */
function isSignatureDictionary(dict: PDFDict): boolean {
  return dict.has(name('ByteRange')) && dict.has(name('Contents'));
}

function describeSignature(
  value: PDFDict,
  o: { source: PdfSignatureInspection['source']; fieldName: string | null; isCertification: boolean },
): PdfSignatureInspection {
  const level = docMdpLevel(value);
  const isCertification = o.isCertification || level !== null;
  const subFilter = value.lookup(name('SubFilter'));
  return {
    source: o.source,
    fieldName: o.fieldName,
    subFilter: subFilter instanceof PDFName ? subFilter.decodeText() : null,
    isCertification,
    docMdpPermissions: isCertification ? (level ?? 2) : null,
  };
}

/** Every indirect dictionary, parsed on demand when the file was read lazily. */
function* indirectDictionaries(pdf: LoadedPdf): Generator<[PDFRef, PDFDict]> {
  if (!pdf.isLazy) {
    for (const [ref, object] of pdf.context.enumerateIndirectObjects()) {
      if (object instanceof PDFDict) yield [ref, object];
    }
    return;
  }
  for (const [number, entry] of pdf.xref.entries) {
    const ref = PDFRef.of(number, entry.type === 1 ? entry.gen : 0);
    const object = pdf.context.lookup(ref);
    if (object instanceof PDFDict) yield [ref, object];
  }
}

/**
 * Existing signatures: the values of AcroForm signature fields, the usage-rights signature
 * (/Perms /UR3), and signature dictionaries that nothing reaches (a field removed in a later
 * revision, a writer that never listed it): their bytes are signed all the same, so they decide
 * the seal's kind like any other. The object scan only runs when the bytes mention /ByteRange.
 */
function findSignatures(pdf: LoadedPdf): PdfSignatureInspection[] {
  const { context, catalog } = pdf;
  const acroForm = catalog.lookup(name('AcroForm'));
  const perms = catalog.lookup(name('Perms'));
  const certificationRef = perms instanceof PDFDict ? perms.get(name('DocMDP')) : undefined;
  const usageRightsRef = perms instanceof PDFDict ? perms.get(name('UR3')) : undefined;
  const isCertificationRef = (ref: PDFObject | undefined) =>
    certificationRef instanceof PDFRef && ref instanceof PDFRef && certificationRef.tag === ref.tag;
  const signatures: PdfSignatureInspection[] = [];
  const reported = new Set<string>();
  const visited = new Set<string>();
  const walk = (entry: PDFObject | undefined, inheritedType: PDFObject | undefined, depth: number) => {
    if (depth > 32) return;
    if (entry instanceof PDFRef) {
      if (visited.has(entry.tag)) return;
      visited.add(entry.tag);
    }
    const field = entry instanceof PDFRef ? context.lookup(entry) : entry;
    if (!(field instanceof PDFDict)) return;
    const type = field.lookup(name('FT')) ?? inheritedType;
    const kids = field.lookup(name('Kids'));
    if (kids instanceof PDFArray) for (let i = 0; i < kids.size(); i++) walk(kids.get(i), type, depth + 1);
    if (type !== name('Sig')) return;
    const valueRef = field.get(name('V'));
    const value = valueRef instanceof PDFRef ? context.lookup(valueRef) : valueRef;
    if (!(value instanceof PDFDict)) return;
    if (valueRef instanceof PDFRef) reported.add(valueRef.tag);
    signatures.push(
      describeSignature(value, {
        source: 'field',
        fieldName: fieldName(field),
        isCertification: isCertificationRef(valueRef),
      }),
    );
  };
  const fields = acroForm instanceof PDFDict ? acroForm.lookup(name('Fields')) : undefined;
  if (fields instanceof PDFArray) for (let i = 0; i < fields.size(); i++) walk(fields.get(i), undefined, 0);
  const usageRights = usageRightsRef instanceof PDFRef ? context.lookup(usageRightsRef) : usageRightsRef;
  if (usageRights instanceof PDFDict) {
    if (usageRightsRef instanceof PDFRef) reported.add(usageRightsRef.tag);
    signatures.push(
      describeSignature(usageRights, { source: 'usage-rights', fieldName: null, isCertification: false }),
    );
  }
  if (
    !bytesMention(pdf, (data) =>
      Buffer.from(data.buffer, data.byteOffset, data.length).includes('/ByteRange'),
    )
  ) {
    return signatures;
  }
  for (const [ref, dict] of indirectDictionaries(pdf)) {
    if (reported.has(ref.tag) || !isSignatureDictionary(dict)) continue;
    signatures.push(
      describeSignature(dict, {
        source: 'unlisted',
        fieldName: null,
        isCertification: isCertificationRef(ref),
      }),
    );
  }
  return signatures;
}

function hasJavaScript(context: PDFContext, catalog: PDFDict): boolean {
  const names = catalog.lookup(name('Names'));
  if (names instanceof PDFDict && names.has(name('JavaScript'))) return true;
  for (const [, object] of context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFRawStream ? object.dict : object;
    if (!(dict instanceof PDFDict)) continue;
    if (dict.has(name('JS')) || dict.get(name('S')) === name('JavaScript')) return true;
    // Actions are often direct objects inside annotations or the catalog.
    for (const key of ['A', 'OpenAction', 'AA']) {
      const action = dict.get(name(key));
      if (
        action instanceof PDFDict &&
        (action.has(name('JS')) || action.get(name('S')) === name('JavaScript'))
      ) {
        return true;
      }
      if (key === 'AA' && action instanceof PDFDict) {
        for (const [, trigger] of action.entries()) {
          if (trigger instanceof PDFDict && trigger.has(name('JS'))) return true;
        }
      }
    }
  }
  return false;
}

const JS_DELIMITERS = new Set([0x20, 0x0a, 0x0d, 0x09, 0x0c, 0x00, 0x28, 0x3c, 0x2f, 0x5b, 0x3e]);

function mentionsJavaScript(data: Uint8Array): boolean {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.length);
  if (buffer.indexOf('/JavaScript') >= 0) return true;
  for (let at = buffer.indexOf('/JS'); at >= 0; at = buffer.indexOf('/JS', at + 3)) {
    if (JS_DELIMITERS.has(buffer[at + 3] ?? 0x20)) return true;
  }
  return false;
}

/**
 * Whether the raw bytes or a decoded object stream satisfy `test`: answers "does the file mention
 * this key" without parsing every object (objects were read on demand).
 */
function bytesMention(pdf: LoadedPdf, test: (data: Uint8Array) => boolean): boolean {
  if (test(pdf.bytes)) return true;
  const objectStreams = new Set<number>();
  for (const entry of pdf.xref.entries.values()) if (entry.type === 2) objectStreams.add(entry.stream);
  for (const number of objectStreams) {
    const stream = pdf.context.lookup(PDFRef.of(number));
    if (!(stream instanceof PDFRawStream)) continue;
    try {
      if (test(decodeFlateStream(stream))) return true;
    } catch {
      // an object stream we cannot decode holds no object a viewer could use either
    }
  }
  return false;
}

function inspectLoaded(pdf: LoadedPdf, isJavaScriptScanned = true): PdfInspection {
  const pages = pdf.pages.map((page, i): PdfPageInspection => {
    const w = page.cropBox[2] - page.cropBox[0];
    const h = page.cropBox[3] - page.cropBox[1];
    const isQuarterTurn = page.rotate === 90 || page.rotate === 270;
    return {
      number: i + 1,
      width: isQuarterTurn ? h : w,
      height: isQuarterTurn ? w : h,
      rotate: page.rotate,
      mediaBox: page.mediaBox,
      cropBox: page.cropBox,
    };
  });
  const signatures = findSignatures(pdf);
  const acroForm = pdf.catalog.lookup(name('AcroForm'));
  const fields = acroForm instanceof PDFDict ? acroForm.lookup(name('Fields')) : undefined;
  const hasXfa = acroForm instanceof PDFDict && acroForm.has(name('XFA'));
  const needsRendering = pdf.catalog.lookup(name('NeedsRendering'));
  const isDamaged = !pdf.xref.isValid;
  return {
    version: pdf.headerVersion,
    pageCount: pages.length,
    pages,
    encryption: pdf.encryption,
    damage: !isDamaged ? 'none' : pages.length > 0 ? 'repairable' : 'unrepairable',
    damageReason: isDamaged ? pdf.xref.problem : pages.length > 0 ? null : 'no pages',
    signatures,
    isCertified: signatures.some((s) => s.isCertification),
    hasUsageRights: signatures.some((s) => s.source === 'usage-rights'),
    hasForm: fields instanceof PDFArray && fields.size() > 0,
    hasXfa,
    isDynamicXfa: hasXfa && String(needsRendering) === 'true',
    hasJavaScript: !isJavaScriptScanned
      ? false
      : pdf.isLazy
        ? bytesMention(pdf, mentionsJavaScript)
        : hasJavaScript(pdf.context, pdf.catalog),
  };
}

function unreadable(reason: string, encryption: PdfEncryption, bytes: Uint8Array): PdfInspection {
  const header = /%PDF-(\d\.\d)?/.exec(Buffer.from(bytes.subarray(0, 1024)).toString('latin1'));
  return {
    version: header ? (header[1] ?? '1.0') : null,
    pageCount: 0,
    pages: [],
    encryption,
    damage: 'unrepairable',
    damageReason: reason,
    signatures: [],
    isCertified: false,
    hasUsageRights: false,
    hasForm: false,
    hasXfa: false,
    isDynamicXfa: false,
    hasJavaScript: false,
  };
}

/**
 * Inspects a loaded PDF (used by the seal, which has read the file already). `isJavaScriptScanned`
 * false skips the one question that needs every object, which sealing does not ask.
 */
export function inspectLoadedPdf(
  pdf: LoadedPdf,
  options: { isJavaScriptScanned?: boolean } = {},
): PdfInspection {
  return inspectLoaded(pdf, options.isJavaScriptScanned ?? true);
}

/**
 * Describes a PDF: version, pages (sizes as displayed, rotation, boxes with inheritance resolved),
 * encryption, damage, existing signatures and certification, forms, XFA, JavaScript.
 * Never throws for bad input: an unreadable file is reported as damage 'unrepairable'; decide with
 * `assertSignable`.
 */
export async function inspectPdf(pdfBytes: Uint8Array): Promise<PdfInspection> {
  let pdf: LoadedPdf;
  try {
    // On demand first (fast on long or large files); a full parse when that cannot find the pages.
    pdf = await loadPdf(pdfBytes, { isLazy: true }).catch(() => loadPdf(pdfBytes));
  } catch (error) {
    return unreadable(
      error instanceof Error ? error.message : String(error),
      error instanceof PdfLoadError ? error.encryption : 'none',
      pdfBytes,
    );
  }
  return inspectLoaded(pdf);
}
