import { createHash } from 'node:crypto';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFName,
  type PDFObject,
  PDFRawStream,
  PDFRef,
} from 'pdf-lib';
import { AppError } from '../../shared/errors.js';
import type { PdfEdit } from '../core/edit.js';
import { writeUpdate } from '../core/writer.js';
import { readXrefChain } from '../core/xref.js';
import { openSignedForUpdate } from './load-signed.js';

/** Validation data of one signature, filed under its VRI key. */
export interface VriEntry {
  /** The signature's /Contents as stored (padded): its SHA-1 is the VRI key. */
  signatureContents: Uint8Array;
  certs: readonly Uint8Array[];
  ocsps: readonly Uint8Array[];
  crls: readonly Uint8Array[];
}

export interface ValidationData {
  certs: readonly Uint8Array[];
  ocsps: readonly Uint8Array[];
  crls: readonly Uint8Array[];
  vri: readonly VriEntry[];
}

/** The VRI key of a signature: uppercase hex SHA-1 of its /Contents bytes (ETSI EN 319 142-1, 5.4.2). */
export function vriKey(signatureContents: Uint8Array): string {
  return createHash('sha1').update(signatureContents).digest('hex').toUpperCase();
}

const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function refsIn(value: PDFObject | undefined, context: PdfEdit['pdf']['context']): PDFRef[] {
  const array = value === undefined ? undefined : context.lookup(value);
  if (!(array instanceof PDFArray)) return [];
  return array.asArray().filter((v): v is PDFRef => v instanceof PDFRef);
}

/**
 * Writes (or extends) the Document Security Store, PAdES B-LT: /Certs, /OCSPs and /CRLs streams and
 * a /VRI entry per signature, as an incremental update after the input (whose bytes stay a
 * prefix, so every earlier signature still covers what it covered). Data already in the DSS is
 * kept and not written twice; earlier VRI entries stay, a VRI entry for the same key is merged.
 */
export async function addValidationData(
  pdfBytes: Uint8Array,
  data: ValidationData,
): Promise<{ pdfBytes: Uint8Array; sha256: string }> {
  const { pdf, edit } = await openSignedForUpdate(pdfBytes, 'add validation data');
  const { context, catalog, catalogRef } = pdf;
  const oldDss = edit.lookupDict(catalog.get(PDFName.of('DSS')));

  // Every blob already stored, by digest: new data equal to one of them reuses its object.
  const byDigest = new Map<string, PDFRef>();
  const known = (refs: PDFRef[]) => {
    for (const ref of refs) {
      const stream = context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const bytes = stream.dict.has(PDFName.of('Filter'))
        ? decodePDFRawStream(stream).decode()
        : stream.contents;
      byDigest.set(digestOf(bytes), ref);
    }
    return refs;
  };
  const lists = {
    Certs: known(refsIn(oldDss?.get(PDFName.of('Certs')), context)),
    OCSPs: known(refsIn(oldDss?.get(PDFName.of('OCSPs')), context)),
    CRLs: known(refsIn(oldDss?.get(PDFName.of('CRLs')), context)),
  };
  const store = (list: PDFRef[], bytes: Uint8Array): PDFRef => {
    const digest = digestOf(bytes);
    let ref = byDigest.get(digest);
    if (!ref) {
      ref = edit.add(edit.stream(bytes));
      byDigest.set(digest, ref);
    }
    if (!list.includes(ref)) list.push(ref);
    return ref;
  };
  for (const cert of data.certs) store(lists.Certs, cert);
  for (const ocsp of data.ocsps) store(lists.OCSPs, ocsp);
  for (const crl of data.crls) store(lists.CRLs, crl);

  const vri = context.obj({});
  const oldVri = edit.lookupDict(oldDss?.get(PDFName.of('VRI')));
  for (const [name, value] of oldVri?.entries() ?? []) vri.set(name, value);
  for (const entry of data.vri) {
    const key = PDFName.of(vriKey(entry.signatureContents));
    const previous = edit.lookupDict(vri.get(key));
    const merged = (field: string, list: PDFRef[], blobs: readonly Uint8Array[]) => {
      const refs = refsIn(previous?.get(PDFName.of(field)), context);
      for (const blob of blobs) {
        const ref = store(list, blob);
        if (!refs.includes(ref)) refs.push(ref);
      }
      return refs;
    };
    const dict = context.obj({ Type: 'VRI' });
    for (const [field, list, blobs] of [
      ['Cert', lists.Certs, entry.certs],
      ['OCSP', lists.OCSPs, entry.ocsps],
      ['CRL', lists.CRLs, entry.crls],
    ] as const) {
      const refs = merged(field, list, blobs);
      if (refs.length > 0) dict.set(PDFName.of(field), context.obj(refs));
    }
    vri.set(key, edit.add(dict));
  }

  const dss = PDFDict.withContext(context);
  for (const [name, list] of Object.entries(lists))
    if (list.length > 0) dss.set(PDFName.of(name), context.obj(list));
  if (vri.keys().length > 0) dss.set(PDFName.of('VRI'), vri);
  catalog.set(PDFName.of('DSS'), edit.add(dss));
  edit.markChanged(catalogRef);
  return appendUpdate(edit);
}

/** Writes the edit as an unsigned incremental update and checks the result reads back. */
export function appendUpdate(edit: PdfEdit): { pdfBytes: Uint8Array; sha256: string } {
  const update = writeUpdate({ pdf: edit.pdf, objects: edit.objectsToWrite(new Map()), isRepair: false });
  const output = Buffer.concat([edit.pdf.bytes, update.bytes]);
  const chain = readXrefChain(output);
  if (!chain.isValid) throw new AppError('PDF_OUTPUT_INVALID', `update unreadable: ${chain.problem}`);
  return {
    pdfBytes: new Uint8Array(output.buffer, output.byteOffset, output.length),
    sha256: digestOf(output),
  };
}
