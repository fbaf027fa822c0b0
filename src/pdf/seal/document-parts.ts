import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRef,
  PDFString,
} from 'pdf-lib';
import type { PdfEdit } from '../core/edit.js';
import { pdfDate } from '../core/text.js';

/**
 * Structural edits the seal makes besides stamping: pages appended to the page tree, a file
 * attached to the catalog's EmbeddedFiles, the signature field in the AcroForm. Every shared
 * object touched is either copied into a new direct value or marked changed, never edited silently.
 */

/** Writable catalog sub-dictionary: resolves a reference (and marks it changed) or creates one. */
function writableChild(edit: PdfEdit, parent: PDFDict, key: string): PDFDict {
  const context = edit.pdf.context;
  const value = parent.get(PDFName.of(key));
  if (value instanceof PDFRef) {
    const dict = context.lookup(value);
    if (dict instanceof PDFDict) {
      edit.markChanged(value);
      return dict;
    }
  }
  if (value instanceof PDFDict) return value;
  const created = PDFDict.withContext(context);
  parent.set(PDFName.of(key), created);
  return created;
}

/** Appends page dictionaries (built by `makePage(parentRef)`) at the end of the document. */
export function appendPages(
  edit: PdfEdit,
  count: number,
  makePage: (parent: PDFRef, index: number) => PDFDict,
): PDFRef[] {
  const { context, catalog, catalogRef } = edit.pdf;
  let rootRef = edit.pdf.pagesRootRef;
  let root = context.lookup(rootRef);
  let kids = root instanceof PDFDict ? root.lookup(PDFName.of('Kids')) : undefined;
  if (!(root instanceof PDFDict) || !(kids instanceof PDFArray)) {
    // The catalog points straight at a page (seen in the wild): give it a proper root.
    const oldRoot = rootRef;
    const newRoot = context.obj({ Type: 'Pages', Kids: [oldRoot], Count: 1 });
    rootRef = edit.add(newRoot);
    if (root instanceof PDFDict) {
      root.set(PDFName.of('Parent'), rootRef);
      edit.markChanged(oldRoot);
    }
    catalog.set(PDFName.of('Pages'), rootRef);
    edit.markChanged(catalogRef);
    root = newRoot;
    kids = newRoot.lookup(PDFName.of('Kids'));
  }
  const rootDict = root as PDFDict;
  const kidsArray = kids as PDFArray;
  const kidsRef = rootDict.get(PDFName.of('Kids'));
  if (kidsRef instanceof PDFRef) edit.markChanged(kidsRef);
  const refs: PDFRef[] = [];
  for (let i = 0; i < count; i++) {
    const ref = edit.add(makePage(rootRef, i));
    kidsArray.push(ref);
    refs.push(ref);
  }
  // The pages we found by walking the tree, not the old /Count: some files carry a wrong one.
  rootDict.set(PDFName.of('Count'), PDFNumber.of(edit.pdf.pages.length + count));
  edit.markChanged(rootRef);
  return refs;
}

function nameTreeEntries(
  edit: PdfEdit,
  node: PDFObject | undefined,
  out: Array<[string, PDFObject]>,
  depth = 0,
) {
  const dict = edit.lookupDict(node);
  if (!dict || depth > 16 || out.length > 10_000) return;
  const names = dict.lookup(PDFName.of('Names'));
  if (names instanceof PDFArray) {
    for (let i = 0; i + 1 < names.size(); i += 2) {
      const key = names.lookup(i);
      const value = names.get(i + 1);
      if ((key instanceof PDFString || key instanceof PDFHexString) && value !== undefined) {
        out.push([key.decodeText(), value]);
      }
    }
  }
  const kids = dict.lookup(PDFName.of('Kids'));
  if (kids instanceof PDFArray)
    for (let i = 0; i < kids.size(); i++) nameTreeEntries(edit, kids.get(i), out, depth + 1);
}

/** Attaches a file (catalog /Names /EmbeddedFiles), keeping the attachments already there. */
export function attachFile(
  edit: PdfEdit,
  o: { fileName: string; bytes: Uint8Array; description: string; mimeType: string; modifiedAt: Date },
): void {
  const { context, catalog, catalogRef } = edit.pdf;
  const fileStream = edit.stream(o.bytes, {
    Type: 'EmbeddedFile',
    Subtype: PDFName.of(o.mimeType),
    Params: context.obj({ Size: o.bytes.length, ModDate: PDFString.of(pdfDate(o.modifiedAt)) }),
  });
  const fileRef = edit.add(fileStream);
  const spec = context.obj({
    Type: 'Filespec',
    F: PDFString.of(o.fileName),
    UF: PDFHexString.fromText(o.fileName),
    Desc: PDFHexString.fromText(o.description),
    EF: { F: fileRef, UF: fileRef },
    AFRelationship: 'Supplement',
  });
  const specRef = edit.add(spec);
  const names = writableChild(edit, catalog, 'Names');
  const entries: Array<[string, PDFObject]> = [];
  nameTreeEntries(edit, names.get(PDFName.of('EmbeddedFiles')), entries);
  let key = o.fileName;
  for (let n = 2; entries.some(([k]) => k === key); n++) key = `${n}-${o.fileName}`;
  entries.push([key, specRef]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const flat: PDFObject[] = [];
  for (const [k, v] of entries) flat.push(PDFHexString.fromText(k), v);
  names.set(PDFName.of('EmbeddedFiles'), context.obj({ Names: flat }));
  const af = catalog.lookup(PDFName.of('AF'));
  catalog.set(PDFName.of('AF'), context.obj([...(af instanceof PDFArray ? af.asArray() : []), specRef]));
  edit.markChanged(catalogRef);
}

/**
 * Adds an invisible signature field whose value is `signatureRef`, on `pageRef`, named `baseName`
 * (default "Paraphe seal"), numbered when the name is taken.
 */
export function addSignatureField(
  edit: PdfEdit,
  o: { signatureRef: PDFRef; pageRef: PDFRef; page: PDFDict; baseName?: string },
): void {
  const { context, catalog, catalogRef } = edit.pdf;
  const acroForm = writableChild(edit, catalog, 'AcroForm');
  const fields = acroForm.lookup(PDFName.of('Fields'));
  const existing = fields instanceof PDFArray ? fields.asArray() : [];
  const taken = new Set<string>();
  for (const field of existing) {
    const t = edit.lookupDict(field)?.lookup(PDFName.of('T'));
    if (t instanceof PDFString || t instanceof PDFHexString) taken.add(t.decodeText());
  }
  const baseName = o.baseName ?? 'Paraphe seal';
  let name = baseName;
  for (let n = 2; taken.has(name); n++) name = `${baseName} ${n}`;
  const widget = edit.add(
    context.obj({
      Type: 'Annot',
      Subtype: 'Widget',
      FT: 'Sig',
      T: PDFString.of(name),
      V: o.signatureRef,
      F: 132, // print + locked
      Rect: [0, 0, 0, 0],
      P: o.pageRef,
    }),
  );
  acroForm.set(PDFName.of('Fields'), context.obj([...existing, widget]));
  const flags = acroForm.lookup(PDFName.of('SigFlags'));
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of((flags instanceof PDFNumber ? flags.asNumber() : 0) | 3));
  const annots = o.page.lookup(PDFName.of('Annots'));
  o.page.set(
    PDFName.of('Annots'),
    context.obj([...(annots instanceof PDFArray ? annots.asArray() : []), widget]),
  );
  edit.markChanged(catalogRef);
}

/**
 * Drops the usage rights (/Perms /UR3) of a "Reader-extended" form. Any change voids them (Reader
 * then says the document "has been changed since it was created" and turns the extended features
 * off), so keeping the entry would only make viewers report a modified file; without it they open
 * a plain signed PDF. The UR3 bytes stay, untouched, in the earlier revision. Only called on
 * uncertified input: a certification's /Perms /DocMDP is never edited.
 */
export function removeUsageRights(edit: PdfEdit): void {
  const { context, catalog, catalogRef } = edit.pdf;
  const perms = edit.lookupDict(catalog.get(PDFName.of('Perms')));
  if (!perms?.has(PDFName.of('UR3'))) return;
  const kept = context.obj({});
  for (const [key, value] of perms.entries()) if (key !== PDFName.of('UR3')) kept.set(key, value);
  if (kept.entries().length > 0) catalog.set(PDFName.of('Perms'), kept);
  else catalog.delete(PDFName.of('Perms'));
  edit.markChanged(catalogRef);
}
