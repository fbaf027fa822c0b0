import { deflateSync } from 'node:zlib';
import { PDFDict, PDFName, type PDFObject, type PDFRawStream, PDFRef } from 'pdf-lib';
import type { LoadedPdf } from './load.js';
import { baseFontNames, type FontKey } from './text.js';
import type { UpdateObject } from './writer.js';

/**
 * The changes being prepared on top of a loaded PDF. Objects are created and edited in pdf-lib's
 * graph, but only what is new or marked changed is ever written (see `writeUpdate`), so the
 * original bytes are never re-serialised.
 */
export class PdfEdit {
  private readonly changed = new Map<string, PDFRef>();
  private readonly firstNewNumber: number;
  private fontRefs: Partial<Record<FontKey, PDFRef>> = {};
  readonly isRepair: boolean;
  /** Where the Unicode font will be written, when the seal has one (see Fonts.embed). */
  unicodeFontRef: PDFRef | null = null;

  constructor(readonly pdf: LoadedPdf) {
    const context = pdf.context;
    if (pdf.xref.isValid)
      context.largestObjectNumber = Math.max(context.largestObjectNumber, pdf.xref.size - 1);
    this.firstNewNumber = context.largestObjectNumber + 1;
    this.isRepair = !pdf.xref.isValid;
  }

  /** Registers a new indirect object. */
  add(object: PDFObject): PDFRef {
    return this.pdf.context.register(object);
  }

  /** Records that an existing object was modified in place and must be written again. */
  markChanged(ref: PDFRef): void {
    this.changed.set(ref.tag, ref);
  }

  /** A Flate-compressed stream (node's zlib is several times faster than pdf-lib's pako). */
  stream(
    contents: string | Uint8Array,
    dict: Record<string, PDFObject | string | number> = {},
  ): PDFRawStream {
    const bytes = typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents;
    return this.pdf.context.stream(deflateSync(bytes), { ...dict, Filter: 'FlateDecode' });
  }

  lookupDict(value: PDFObject | undefined): PDFDict | undefined {
    const resolved = value === undefined ? undefined : this.pdf.context.lookup(value);
    return resolved instanceof PDFDict ? resolved : undefined;
  }

  /** Shared font dictionaries (standard fonts, WinAnsi), created on first use. */
  font(key: FontKey): PDFRef {
    const existing = this.fontRefs[key];
    if (existing) return existing;
    const ref = this.add(
      this.pdf.context.obj({
        Type: 'Font',
        Subtype: 'Type1',
        BaseFont: PDFName.of(baseFontNames[key]),
        Encoding: 'WinAnsiEncoding',
      }),
    );
    this.fontRefs[key] = ref;
    return ref;
  }

  /** The objects to write: new and changed ones, or every object when repairing. */
  objectsToWrite(raw: Map<number, Uint8Array>): UpdateObject[] {
    const out: UpdateObject[] = [];
    const context = this.pdf.context;
    for (const [ref, object] of context.enumerateIndirectObjects()) {
      if (raw.has(ref.objectNumber)) continue;
      const isNew = ref.objectNumber >= this.firstNewNumber;
      if (this.isRepair || isNew || this.changed.has(ref.tag)) out.push({ ref, body: object });
    }
    for (const [objectNumber, body] of raw) out.push({ ref: PDFRef.of(objectNumber, 0), body });
    return out;
  }

  /** Reserves an object number for an object written as raw bytes (the signature dictionary). */
  reserve(): PDFRef {
    return this.pdf.context.nextRef();
  }
}
