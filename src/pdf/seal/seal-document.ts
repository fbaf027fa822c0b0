import { type PDFDict, PDFName, type PDFRef } from 'pdf-lib';
import { type Locale, t } from '../../shared/i18n/index.js';
import { PdfEdit } from '../core/edit.js';
import { Fonts } from '../core/fonts.js';
import { type LoadedPdf, loadPdf, PdfLoadError } from '../core/load.js';
import { pdfDate, pdfTextString } from '../core/text.js';
import { type Evidence, evidenceJson, renderEvidencePages, type SealFacts } from '../evidence/evidence.js';
import { assertSignable } from '../inspect/assert-signable.js';
import { inspectLoadedPdf, inspectPdf } from '../inspect/inspect-pdf.js';
import { createCadesSignature } from '../pades/cms.js';
import type { SealKey, TimestampClient } from '../pades/types.js';
import { applyStamps, type Stamp } from '../stamp/apply-stamps.js';
import { addSignatureField, appendPages, attachFile, removeUsageRights } from './document-parts.js';
import { type SignatureDictionary, signatureDictionary, writeSignedUpdate } from './signed-update.js';
import { verifySealedOutput } from './verify-output.js';

export interface SealOptions {
  key: SealKey;
  reason: string;
  location: string;
  contactInfo: string;
  /**
   * DocMDP level of the certification: 1 = no change allowed, 2 = form filling and signing, 3 = also
   * annotations (configuration offers 1 and 2; 3 exists for inputs and fixtures).
   */
  docMdpPermissions: 1 | 2 | 3;
  /** RFC 3161 authority for a signature timestamp (PAdES B-T); without it the seal is B-B. */
  timestamp?: TimestampClient;
  /** Language of the captions and the evidence page. */
  locale: Locale;
  /** The claimed signing time (/M), from the injected clock. */
  signingTime: Date;
  /** Bytes reserved for the CMS; computed from the chain when omitted. */
  contentsSize?: number;
  /**
   * A TrueType font (e.g. Debian's /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf) for text the
   * standard fonts cannot show (names in Polish, Czech, Vietnamese, Greek…); a subset is embedded.
   * Without it such characters print as "?" on the page (evidence.json keeps them exactly).
   */
  unicodeFont?: Uint8Array;
}

export interface SealDocumentInput {
  pdfBytes: Uint8Array;
  /** For error messages a sender reads ("le fichier contrat.pdf …"). */
  fileName?: string;
  stamps: Stamp[];
  evidence: Evidence;
  seal: SealOptions;
}

export interface SealedDocument {
  pdfBytes: Uint8Array;
  /** Hex SHA-256 of the sealed file. */
  sha256: string;
  /** 'approval' when the input was already signed (a certification can only be the first signature). */
  kind: 'certification' | 'approval';
  evidencePageCount: number;
}

function contentsSize(o: SealOptions): number {
  if (o.contentsSize) return o.contentsSize;
  const certificates = [o.key.certificate, ...o.key.chain].reduce((n, c) => n + c.length, 0);
  // Signed attributes, signature value and framing fit in 2 KB even for RSA-4096; a timestamp token
  // carries the TSA's own chain (measured 3–4 KB), so it gets generous room.
  const estimate = 2048 + certificates + (o.timestamp ? 12 * 1024 : 0);
  return Math.ceil(estimate / 1024) * 1024;
}

function sealDictionary(o: {
  seal: SealOptions;
  kind: 'certification' | 'approval';
  reason: string;
  size: number;
}): SignatureDictionary {
  const reference =
    o.kind === 'certification'
      ? ` /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${o.seal.docMdpPermissions} /V /1.2 >> >>]`
      : '';
  return signatureDictionary(
    `/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (${pdfDate(o.seal.signingTime)})` +
      ` /Reason ${pdfTextString(o.reason)} /Location ${pdfTextString(o.seal.location)} /ContactInfo ${pdfTextString(o.seal.contactInfo)}` +
      reference,
    o.size,
  );
}

async function loadSignable(bytes: Uint8Array, fileName: string): Promise<LoadedPdf> {
  let pdf: LoadedPdf;
  try {
    pdf = await loadPdf(bytes, { isLazy: true });
  } catch (error) {
    if (!(error instanceof PdfLoadError)) throw error;
    try {
      // What on-demand reading could not find, a full parse may still recover.
      pdf = await loadPdf(bytes);
    } catch (fullError) {
      if (fullError instanceof PdfLoadError) assertSignable(await inspectPdf(bytes), fileName);
      throw fullError;
    }
  }
  assertSignable(inspectLoadedPdf(pdf, { isJavaScriptScanned: false }), fileName);
  return pdf;
}

/**
 * Stamps the drawn signatures, appends the evidence page(s) and evidence.json, and seals the whole
 * with a PAdES signature (certification with DocMDP, or approval when the input is already signed),
 * all as one incremental update: the input bytes are a byte-identical prefix of the output. The
 * output is re-read and checked before it is returned.
 */
export async function sealDocument(input: SealDocumentInput): Promise<SealedDocument> {
  const fileName = input.fileName ?? 'document.pdf';
  const { seal } = input;
  const pdf = await loadSignable(input.pdfBytes, fileName);
  const inspection = inspectLoadedPdf(pdf, { isJavaScriptScanned: false });
  // A certification can only be the first signature, and validators that order every signature
  // dictionary by revision count usage rights (/Perms /UR3) too: see docs/pdf.md.
  const kind = inspection.signatures.length > 0 ? 'approval' : 'certification';
  const edit = new PdfEdit(pdf);
  const { context, catalog, catalogRef } = pdf;

  const fonts = await Fonts.load(seal.unicodeFont);
  if (fonts.hasUnicode) edit.unicodeFontRef = edit.reserve();
  applyStamps({ edit, stamps: input.stamps, locale: seal.locale, fileName, fonts });

  const facts: SealFacts = {
    sealedAt: seal.signingTime,
    kind,
    isTestKey: seal.key.isTestKey,
    existingSignatures: inspection.signatures.length,
  };
  const rendered = renderEvidencePages({ evidence: input.evidence, facts, locale: seal.locale, fonts });
  const fontResources = context.obj({
    F1: edit.font('regular'),
    F2: edit.font('bold'),
    F3: edit.font('mono'),
    ...(edit.unicodeFontRef ? { F4: edit.unicodeFontRef } : {}),
  });
  const evidencePages: PDFDict[] = [];
  const evidenceRefs = appendPages(edit, rendered.contents.length, (parent, i) => {
    const page = context.obj({
      Type: 'Page',
      Parent: parent,
      MediaBox: [0, 0, ...rendered.size],
      Resources: { Font: fontResources },
      Contents: edit.add(edit.stream(rendered.contents[i] ?? '')),
    });
    evidencePages.push(page);
    return page;
  });
  attachFile(edit, {
    fileName: 'evidence.json',
    bytes: evidenceJson(input.evidence, facts),
    description: t(seal.locale, 'pdf.evidence.title'),
    mimeType: 'application/json',
    modifiedAt: seal.signingTime,
  });

  // Every text is laid out by now: the subset holds exactly the glyphs used.
  if (edit.unicodeFontRef) await fonts.embed(context, edit.unicodeFontRef);
  const signatureRef = edit.reserve();
  const lastPage = evidencePages[evidencePages.length - 1] as PDFDict;
  addSignatureField(edit, {
    signatureRef,
    pageRef: evidenceRefs[evidenceRefs.length - 1] as PDFRef,
    page: lastPage,
  });
  if (kind === 'certification') {
    catalog.set(PDFName.of('Perms'), context.obj({ DocMDP: signatureRef }));
  } else if (inspection.hasUsageRights) {
    removeUsageRights(edit);
  }
  // Declares the ETSI extension (PAdES) to readers, as ETSI EN 319 142-1 asks; other extensions kept.
  const extensions = edit.lookupDict(catalog.get(PDFName.of('Extensions')));
  const newExtensions = context.obj({});
  for (const [name, value] of extensions?.entries() ?? []) newExtensions.set(name, value);
  newExtensions.set(
    PDFName.of('ESIC'),
    context.obj({ Type: 'DeveloperExtensions', BaseVersion: PDFName.of('1.7'), ExtensionLevel: 1 }),
  );
  catalog.set(PDFName.of('Extensions'), newExtensions);
  const version = Number(pdf.headerVersion);
  if (!(version >= 1.7)) catalog.set(PDFName.of('Version'), PDFName.of('1.7'));
  edit.markChanged(catalogRef);

  const reason = seal.key.isTestKey
    ? `${t(seal.locale, 'pdf.seal.testReason')} — ${seal.reason}`
    : seal.reason;
  const dictionary = sealDictionary({ seal, kind, reason, size: contentsSize(seal) });
  const signed = await writeSignedUpdate({
    edit,
    signatureRef,
    dictionary,
    sign: (contentDigest) =>
      createCadesSignature({ contentDigest, key: seal.key, timestamp: seal.timestamp }),
  });
  const { output, byteRange } = signed;
  const original = input.pdfBytes;

  verifySealedOutput({
    original,
    output,
    pageCount: pdf.pages.length + evidenceRefs.length,
    stampedPages: [...new Set(input.stamps.map((s) => s.page))].map((n) => pdf.pages[n - 1]?.ref as PDFRef),
    signatureNumber: signatureRef.objectNumber,
    byteRange,
  });
  return {
    pdfBytes: new Uint8Array(output.buffer, output.byteOffset, output.length),
    sha256: signed.sha256,
    kind,
    evidencePageCount: evidenceRefs.length,
  };
}
