import { PDFArray, PDFDict, PDFName, PDFNumber, type PDFRef } from 'pdf-lib';
import { AppError } from '../../shared/errors.js';
import { readXrefChain, XrefResolver } from '../core/xref.js';

function fail(reason: string): never {
  throw new AppError('PDF_OUTPUT_INVALID', `sealed output failed its check: ${reason}`);
}

/**
 * Re-reads a sealed file the way a viewer does (its cross-reference chain, every offset checked)
 * and checks what several writers have been seen to get silently wrong: the original is an intact
 * prefix, the page count, the stamps on their pages, the signature's byte range.
 */
export function verifySealedOutput(o: {
  original: Uint8Array;
  output: Uint8Array;
  pageCount: number;
  stampedPages: PDFRef[];
  signatureNumber: number;
  byteRange: number[];
}): void {
  const { output } = o;
  // The original is a prefix by construction (copied once, never written to); its last bytes are
  // checked as a guard against an offset slip in the patching.
  const tail = Math.max(0, o.original.length - 4096);
  if (Buffer.compare(output.subarray(tail, o.original.length), o.original.subarray(tail)) !== 0) {
    fail('original bytes changed');
  }
  const chain = readXrefChain(output);
  if (!chain.isValid) fail(`cross-reference chain: ${chain.problem}`);
  const resolver = new XrefResolver(output, chain);
  const catalog = resolver.resolve(chain.trailer?.get(PDFName.of('Root')));
  if (!(catalog instanceof PDFDict)) fail('no catalog');
  const pages = resolver.resolve(catalog.get(PDFName.of('Pages')));
  const count = pages instanceof PDFDict ? pages.get(PDFName.of('Count')) : undefined;
  if (!(count instanceof PDFNumber) || count.asNumber() !== o.pageCount)
    fail(`page count is not ${o.pageCount}`);
  for (const ref of o.stampedPages) {
    const page = resolver.lookup(ref.objectNumber);
    const resources =
      page instanceof PDFDict ? resolver.resolve(page.get(PDFName.of('Resources'))) : undefined;
    const xobjects =
      resources instanceof PDFDict ? resolver.resolve(resources.get(PDFName.of('XObject'))) : undefined;
    const hasStamp =
      xobjects instanceof PDFDict &&
      xobjects.keys().some((key) => key.decodeText().startsWith('ParapheStamp'));
    if (!hasStamp) fail(`stamp missing on page object ${ref.objectNumber}`);
  }
  const signature = resolver.lookup(o.signatureNumber);
  const range = signature instanceof PDFDict ? signature.get(PDFName.of('ByteRange')) : undefined;
  const values =
    range instanceof PDFArray ? range.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : -1)) : [];
  if (values.join(' ') !== o.byteRange.join(' ')) fail('byte range not as written');
  const [, a = 0, b = 0, c = 0] = values;
  if (b + c !== output.length || output[a] !== 0x3c || output[b - 1] !== 0x3e)
    fail('byte range does not frame /Contents');
}
