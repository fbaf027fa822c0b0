import { PDFArray, PDFDict, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { loadPdf } from '../core/load.js';
import { vriKey } from './add-validation-data.js';

/** One signature of a PDF as the DSS needs it. */
export interface SignatureContents {
  fieldName: string;
  kind: 'signature' | 'document-timestamp';
  /** /Contents exactly as stored, zero padding included (what the VRI key is hashed over). */
  contents: Uint8Array;
  /** The DSS already has a VRI entry for it (validation data gathered when it was fresh). */
  hasValidationData: boolean;
}

/**
 * The signatures reachable from the AcroForm's fields (depth-first, in field order): those are
 * the ones validators check, so they are the ones validation data is gathered for.
 */
export async function listSignatureContents(pdfBytes: Uint8Array): Promise<SignatureContents[]> {
  const pdf = await loadPdf(pdfBytes, { isLazy: true });
  const { context } = pdf;
  const lookupDict = (value: unknown) => {
    const resolved = value === undefined ? undefined : context.lookup(value as never);
    return resolved instanceof PDFDict ? resolved : undefined;
  };
  const dss = lookupDict(pdf.catalog.get(PDFName.of('DSS')));
  const vri = lookupDict(dss?.get(PDFName.of('VRI')));
  const out: SignatureContents[] = [];
  const seen = new Set<PDFDict>();
  const visit = (field: PDFDict, parentName: string, depth: number) => {
    if (seen.has(field) || depth > 32) return;
    seen.add(field);
    const t = field.lookup(PDFName.of('T'));
    const part = t instanceof PDFString || t instanceof PDFHexString ? t.decodeText() : '';
    const name = parentName && part ? `${parentName}.${part}` : part || parentName;
    const value = lookupDict(field.get(PDFName.of('V')));
    const contents = value?.lookup(PDFName.of('Contents'));
    if (value && (contents instanceof PDFHexString || contents instanceof PDFString)) {
      const type = value.lookup(PDFName.of('Type'));
      const subFilter = value.lookup(PDFName.of('SubFilter'));
      const isTimestamp =
        (type instanceof PDFName && type.asString() === '/DocTimeStamp') ||
        (subFilter instanceof PDFName && subFilter.asString() === '/ETSI.RFC3161');
      out.push({
        fieldName: name,
        kind: isTimestamp ? 'document-timestamp' : 'signature',
        contents: contents.asBytes(),
        hasValidationData: vri?.has(PDFName.of(vriKey(contents.asBytes()))) ?? false,
      });
    }
    const kids = field.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray)
      for (let i = 0; i < kids.size(); i++) {
        const kid = lookupDict(kids.get(i));
        if (kid) visit(kid, name, depth + 1);
      }
  };
  const acroForm = lookupDict(pdf.catalog.get(PDFName.of('AcroForm')));
  const fields = acroForm?.lookup(PDFName.of('Fields'));
  if (fields instanceof PDFArray)
    for (let i = 0; i < fields.size(); i++) {
      const field = lookupDict(fields.get(i));
      if (field) visit(field, '', 0);
    }
  return out;
}
