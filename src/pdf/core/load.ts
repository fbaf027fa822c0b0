import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectParser,
  PDFObjectStreamParser,
  PDFParser,
  PDFRawStream,
  PDFRef,
} from 'pdf-lib';
import { classifyEncryption, type PdfEncryption } from './encryption.js';
import { readXrefChain, type XrefChain, XrefResolver } from './xref.js';

/** A rectangle in PDF user space, normalised: [llx, lly, urx, ury] with llx < urx and lly < ury. */
export type Box = [number, number, number, number];

export interface LoadedPage {
  ref: PDFRef;
  dict: PDFDict;
  mediaBox: Box;
  /** Intersected with the MediaBox, as viewers do. */
  cropBox: Box;
  rotate: 0 | 90 | 180 | 270;
  /**
   * Resources after inheritance from the page tree, as written (often a reference): resolved only
   * for the pages a seal draws on, so a long document's resources are never read.
   */
  resources: PDFObject | undefined;
}

/**
 * A parsed PDF and what is needed to append to it: pdf-lib's object graph (its parser reads the file
 * sequentially, which also recovers damaged cross-reference tables) beside our own reading of the
 * cross-reference chain, which decides whether an incremental update can point back with /Prev.
 */
export interface LoadedPdf {
  bytes: Uint8Array;
  context: PDFContext;
  xref: XrefChain;
  headerVersion: string;
  catalogRef: PDFRef;
  catalog: PDFDict;
  pagesRootRef: PDFRef;
  pages: LoadedPage[];
  encryption: PdfEncryption;
  /** Objects are read on demand: only what was looked up is in `context`. */
  isLazy: boolean;
}

/** The file could not be parsed; `encryption` is still known when the trailer could be read. */
export class PdfLoadError extends Error {
  constructor(
    message: string,
    readonly encryption: PdfEncryption = 'none',
  ) {
    super(message);
  }
}

/** Encryption read straight from the cross-reference chain, which works even when parsing fails. */
function encryptionFromXref(bytes: Uint8Array, xref: XrefChain, context: PDFContext): PdfEncryption {
  const encrypt = xref.trailer?.get(PDFName.of('Encrypt'));
  if (!xref.trailer || encrypt === undefined) return 'none';
  let dict: PDFObject | undefined = encrypt;
  if (encrypt instanceof PDFRef) {
    const entry = xref.entries.get(encrypt.objectNumber);
    dict = undefined;
    if (entry?.type === 1) {
      const head = /^\s*\d+\s+\d+\s+obj/.exec(
        Buffer.from(bytes.subarray(entry.offset, entry.offset + 40)).toString('latin1'),
      );
      try {
        if (head)
          dict = PDFObjectParser.forBytes(
            bytes.subarray(entry.offset + head[0].length),
            context,
          ).parseObject();
      } catch {
        dict = undefined;
      }
    }
  }
  return classifyEncryption(
    dict instanceof PDFDict ? dict : context.obj({}),
    xref.trailer.lookup(PDFName.of('ID')),
  );
}

const DEFAULT_MEDIA_BOX: Box = [0, 0, 612, 792];
const MAX_OBJECT_NUMBER = 8_388_607;
const MAX_PAGE_TREE_DEPTH = 64;

function toBox(value: PDFObject | undefined, context: PDFContext): Box | null {
  const array = value instanceof PDFRef ? context.lookup(value) : value;
  if (!(array instanceof PDFArray) || array.size() !== 4) return null;
  const n: number[] = [];
  for (let i = 0; i < 4; i++) {
    const item = array.lookup(i);
    if (!(item instanceof PDFNumber) || !Number.isFinite(item.asNumber())) return null;
    n.push(item.asNumber());
  }
  const [a = 0, b = 0, c = 0, d = 0] = n;
  const box: Box = [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  return box[2] - box[0] > 0 && box[3] - box[1] > 0 ? box : null;
}

function intersect(a: Box, b: Box): Box {
  const box: Box = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return box[2] - box[0] > 0 && box[3] - box[1] > 0 ? box : a;
}

function normaliseRotate(value: PDFObject | undefined): 0 | 90 | 180 | 270 {
  const raw = value instanceof PDFNumber ? value.asNumber() : 0;
  const quarter = Math.round(raw / 90);
  return ((((quarter % 4) + 4) % 4) * 90) as 0 | 90 | 180 | 270;
}

interface Inherited {
  mediaBox: PDFObject | undefined;
  cropBox: PDFObject | undefined;
  rotate: PDFObject | undefined;
  resources: PDFObject | undefined;
}

function collectPages(context: PDFContext, rootRef: PDFRef): LoadedPage[] {
  const pages: LoadedPage[] = [];
  const visited = new Set<string>();
  const walk = (ref: PDFRef, inherited: Inherited, depth: number) => {
    if (depth > MAX_PAGE_TREE_DEPTH || visited.has(ref.tag)) return;
    visited.add(ref.tag);
    const node = context.lookup(ref);
    if (!(node instanceof PDFDict)) return;
    const own = (key: string, fallback: PDFObject | undefined) => node.get(PDFName.of(key)) ?? fallback;
    const next: Inherited = {
      mediaBox: own('MediaBox', inherited.mediaBox),
      cropBox: own('CropBox', inherited.cropBox),
      rotate: own('Rotate', inherited.rotate),
      resources: own('Resources', inherited.resources),
    };
    const kids = node.lookup(PDFName.of('Kids'));
    const type = node.lookup(PDFName.of('Type'));
    if (kids instanceof PDFArray && type !== PDFName.of('Page')) {
      for (let i = 0; i < kids.size(); i++) {
        const kid = kids.get(i);
        if (kid instanceof PDFRef) walk(kid, next, depth + 1);
      }
      return;
    }
    const mediaBox = toBox(next.mediaBox, context) ?? DEFAULT_MEDIA_BOX;
    const cropBox = intersect(toBox(next.cropBox, context) ?? mediaBox, mediaBox);
    const rotateObject = next.rotate instanceof PDFRef ? context.lookup(next.rotate) : next.rotate;
    pages.push({
      ref,
      dict: node,
      mediaBox,
      cropBox,
      rotate: normaliseRotate(rotateObject),
      resources: next.resources,
    });
  };
  walk(rootRef, { mediaBox: undefined, cropBox: undefined, rotate: undefined, resources: undefined }, 0);
  return pages;
}

/**
 * Last-resort recovery when pdf-lib's sequential parser gives up on a broken object: find every
 * `N G obj` header and parse each object on its own, skipping the ones that do not parse (later
 * definitions win, as in an incremental file); trailers give /Root when one can be read.
 */
async function scanParse(bytes: Uint8Array): Promise<PDFContext> {
  const context = PDFContext.create();
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  for (const match of text.matchAll(/(\d{1,10})\s+(\d{1,5})\s+obj\b/g)) {
    const number = Number(match[1]);
    if (number <= 0 || number > MAX_OBJECT_NUMBER) continue;
    try {
      const object = PDFObjectParser.forBytes(
        bytes.subarray((match.index ?? 0) + match[0].length),
        context,
      ).parseObject();
      if (object instanceof PDFRawStream && object.dict.lookup(PDFName.of('Type')) === PDFName.of('ObjStm')) {
        await PDFObjectStreamParser.forStream(object).parseIntoContext();
      } else if (
        !(object instanceof PDFRawStream && object.dict.lookup(PDFName.of('Type')) === PDFName.of('XRef'))
      ) {
        context.assign(PDFRef.of(number, Number(match[2])), object);
      }
    } catch {
      // an object that does not parse is left out; the catalog search below decides if enough remains
    }
  }
  for (const match of text.matchAll(/trailer\s*<</g)) {
    try {
      const trailer = PDFObjectParser.forBytes(bytes.subarray((match.index ?? 0) + 7), context).parseObject();
      if (trailer instanceof PDFDict) {
        context.trailerInfo = {
          Root: trailer.get(PDFName.of('Root')) ?? context.trailerInfo.Root,
          Encrypt: trailer.get(PDFName.of('Encrypt')) ?? context.trailerInfo.Encrypt,
          Info: trailer.get(PDFName.of('Info')) ?? context.trailerInfo.Info,
          ID: trailer.get(PDFName.of('ID')) ?? context.trailerInfo.ID,
        };
      }
    } catch {
      // a broken trailer: the catalog is then found by its /Type
    }
  }
  return context;
}

/** pdf-lib's parser reports recoverable trouble on the console; a library must not write there. */
async function parseQuietly(bytes: Uint8Array): Promise<PDFContext> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    const parser = PDFParser.forBytesWithOptions(bytes, Number.POSITIVE_INFINITY, false, false);
    // pdf-lib copies every stream's data out of the input (`slice`); views are enough because the
    // input is never written to, and they spare a second copy of a 50 MB scan.
    const stream = (
      parser as unknown as { bytes: { bytes: Uint8Array; slice(start: number, end: number): Uint8Array } }
    ).bytes;
    stream.slice = (start, end) => stream.bytes.subarray(start, end);
    return await parser.parseDocument();
  } catch {
    return await scanParse(bytes);
  } finally {
    console.warn = warn;
  }
}

/**
 * Objects numbered past the PDF implementation limit (8 388 607) appear in fuzzed files; keeping
 * them would push our new objects out of range.
 */
function dropOutOfRangeObjects(context: PDFContext): void {
  let largest = 0;
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (ref.objectNumber > MAX_OBJECT_NUMBER) context.delete(ref);
    else largest = Math.max(largest, ref.objectNumber);
  }
  context.largestObjectNumber = largest;
}

/**
 * A context that reads objects on demand through the (valid) cross-reference chain: a seal touches
 * a few dozen objects, so parsing the other thousands is wasted time on long documents.
 */
function lazyContext(bytes: Uint8Array, xref: XrefChain): PDFContext {
  const context = PDFContext.create();
  const resolver = new XrefResolver(bytes, xref, context);
  const loaded = (context as unknown as { indirectObjects: Map<PDFRef, PDFObject> }).indirectObjects;
  const fill = (ref: unknown) => {
    if (!(ref instanceof PDFRef) || loaded.has(ref)) return;
    let object: PDFObject | undefined;
    try {
      object = resolver.lookup(ref.objectNumber);
    } catch {
      object = undefined; // unparseable: treated as missing, as a viewer would
    }
    if (object !== undefined) context.assign(ref, object);
  };
  const lookup = context.lookup.bind(context);
  const lookupMaybe = context.lookupMaybe.bind(context);
  context.lookup = ((ref: unknown, ...types: unknown[]) => {
    fill(ref);
    return (lookup as (...args: unknown[]) => unknown)(ref, ...types);
  }) as typeof context.lookup;
  context.lookupMaybe = ((ref: unknown, ...types: unknown[]) => {
    fill(ref);
    return (lookupMaybe as (...args: unknown[]) => unknown)(ref, ...types);
  }) as typeof context.lookupMaybe;
  const trailer = xref.trailer;
  context.trailerInfo = {
    Root: trailer?.get(PDFName.of('Root')),
    Encrypt: trailer?.get(PDFName.of('Encrypt')),
    Info: trailer?.get(PDFName.of('Info')),
    ID: trailer?.get(PDFName.of('ID')),
  };
  context.largestObjectNumber = Math.max(0, xref.size - 1);
  return context;
}

/**
 * Parses a PDF for inspection or editing. With `isLazy` and a sound cross-reference chain, objects
 * are read on demand (what sealing needs); otherwise the whole file is parsed (what inspection's
 * full scans need, and what recovers a damaged file). Throws PdfLoadError when no page tree can be found, even
 * after recovery; the caller turns that into a refusal.
 */
export async function loadPdf(bytes: Uint8Array, options: { isLazy?: boolean } = {}): Promise<LoadedPdf> {
  const headerAt = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).indexOf('%PDF-');
  if (headerAt < 0) throw new PdfLoadError('not a PDF: no header in the first 1024 bytes');
  const version = /^%PDF-(\d\.\d)/.exec(
    Buffer.from(bytes.subarray(headerAt, headerAt + 8)).toString('latin1'),
  );
  const xref = readXrefChain(bytes);
  const isLazy = options.isLazy === true && xref.isValid;
  const early = encryptionFromXref(bytes, xref, PDFContext.create());
  // Without a readable trailer, an /Encrypt key anywhere is the best hint we have for the refusal.
  const guess: PdfEncryption =
    early !== 'none' || xref.trailer
      ? early
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('/Encrypt') >= 0
        ? 'user-password'
        : 'none';
  let context: PDFContext;
  try {
    context = isLazy ? lazyContext(bytes, xref) : await parseQuietly(bytes);
  } catch (error) {
    throw new PdfLoadError(`unparseable: ${error instanceof Error ? error.message : String(error)}`, guess);
  }
  if (!xref.isValid) dropOutOfRangeObjects(context);
  // The chain's trailer is what viewers use; pdf-lib's guess only matters for a damaged file.
  const trailer = xref.isValid ? xref.trailer : null;
  const rootObject = trailer?.get(PDFName.of('Root')) ?? context.trailerInfo.Root;
  let catalogRef = rootObject instanceof PDFRef ? rootObject : null;
  if (!catalogRef || !(context.lookup(catalogRef) instanceof PDFDict)) {
    catalogRef = null;
    for (const [ref, object] of context.enumerateIndirectObjects()) {
      if (object instanceof PDFDict && object.lookup(PDFName.of('Type')) === PDFName.of('Catalog'))
        catalogRef = ref;
    }
  }
  if (!catalogRef) throw new PdfLoadError('no document catalog', guess);
  const catalog = context.lookup(catalogRef) as PDFDict;
  const pagesRootRef = catalog.get(PDFName.of('Pages'));
  if (!(pagesRootRef instanceof PDFRef)) throw new PdfLoadError('the catalog has no page tree', guess);
  const pages = collectPages(context, pagesRootRef);
  const encryptObject = trailer?.get(PDFName.of('Encrypt')) ?? context.trailerInfo.Encrypt;
  const encrypt = encryptObject instanceof PDFRef ? context.lookup(encryptObject) : encryptObject;
  const id = trailer?.lookup(PDFName.of('ID')) ?? context.trailerInfo.ID;
  const catalogVersion = catalog.lookup(PDFName.of('Version'));
  const header = version?.[1] ?? '1.4';
  const fromCatalog = catalogVersion instanceof PDFName ? catalogVersion.decodeText() : null;
  return {
    bytes,
    context,
    xref,
    headerVersion: fromCatalog && Number(fromCatalog) > Number(header) ? fromCatalog : header,
    catalogRef,
    catalog,
    pagesRootRef,
    pages,
    isLazy,
    encryption:
      early !== 'none' || encryptObject === undefined
        ? early
        : classifyEncryption(encrypt instanceof PDFDict ? encrypt : context.obj({}), id),
  };
}
