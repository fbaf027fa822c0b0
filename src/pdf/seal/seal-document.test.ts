import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { isAppError } from '../../shared/errors.js';
import { inspectPdf } from '../inspect/inspect-pdf.js';
import { makePng, PKI_DIR, sampleEvidence, testSealKey } from '../testing/fixtures.js';
import { encrypt, PdfTools, rawPdf } from '../testing/tools.js';
import { type SealDocumentInput, type SealOptions, sealDocument } from './seal-document.js';

const tools = new PdfTools();
after(() => tools.cleanup());
const VALIDATOR = path.resolve(PKI_DIR, '../validate-pdf.sh');
const REFS = path.resolve(PKI_DIR, '../refs');
const CORPUS = path.resolve(PKI_DIR, '../../../corpus/pdf');
const rsa = testSealKey('seal-rsa');
/** Debian's fonts-dejavu-core. */
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

async function generated(o: { pages?: number; useObjectStreams?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < (o.pages ?? 2); i++)
    doc.addPage([595, 842]).drawText(`Contract page ${i + 1}`, { x: 50, y: 780 });
  return doc.save({ useObjectStreams: o.useObjectStreams ?? false });
}

function input(pdfBytes: Uint8Array, seal: Partial<SealOptions> = {}): SealDocumentInput {
  return {
    pdfBytes,
    fileName: 'contrat.pdf',
    stamps: [
      {
        page: 1,
        rect: { x: 350, y: 700, width: 180, height: 70 },
        imagePng: makePng({ width: 300, height: 120, rgb: [0, 0, 120], inset: 8 }),
        signerName: 'Éloïse Müller',
        signedAt: new Date('2026-11-26T10:02:00Z'),
      },
    ],
    evidence: sampleEvidence(),
    seal: {
      key: rsa,
      reason: 'Scellé par Paraphe',
      location: 'Paris',
      contactInfo: 'ops@paraphe.example',
      docMdpPermissions: 1,
      locale: 'fr',
      signingTime: new Date('2026-11-26T10:05:00Z'),
      ...seal,
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

const PAGE_OBJECTS = [
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
];
/** A signature dictionary (placeholder bytes: we only need its shape) that no field lists. */
const unlistedSignatureObject =
  '<< /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>';

function unlistedSignature(): Uint8Array {
  return rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', ...PAGE_OBJECTS, unlistedSignatureObject]);
}

/** A "Reader-extended" file: /Perms /UR3 (object 4), plus `extra` as object 5 when given. */
function usageRights(extra?: string): Uint8Array {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R /Perms << /UR3 4 0 R >> >>',
    ...PAGE_OBJECTS,
    '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <00>' +
      ' /Reference [<< /Type /SigRef /TransformMethod /UR3 /TransformParams << /Type /TransformParams /V /2.2 /Document [/FullSave] >> >>] >>',
    ...(extra ? [extra] : []),
  ]);
}

describe('sealDocument', () => {
  it('certifies with DocMDP P=1 in an incremental update that pdfsig and qpdf accept', async () => {
    const original = await generated();
    const sealed = await sealDocument(input(original));
    const out = sealed.pdfBytes;
    assert.equal(sealed.kind, 'certification');
    assert.ok(
      Buffer.from(out.subarray(0, original.length)).equals(Buffer.from(original)),
      'original is a prefix',
    );
    assert.equal(tools.qpdfCheck(out).status, 0, tools.qpdfCheck(out).output);
    const [signature, ...others] = tools.pdfsig(out);
    assert.equal(others.length, 0);
    assert.ok(signature?.isValid, signature?.text);
    assert.ok(signature?.isTrusted, signature?.text);
    assert.ok(signature?.isTotal, signature?.text);
    assert.match(signature?.text ?? '', /ETSI\.CAdES\.detached/);
    const inspection = await inspectPdf(out);
    assert.equal(inspection.pageCount, 3);
    assert.deepEqual(
      inspection.signatures.map((s) => [s.isCertification, s.docMdpPermissions]),
      [[true, 1]],
    );
  });

  it('writes an evidence page and the same evidence as an attached evidence.json', async () => {
    const sealed = await sealDocument(input(await generated({ pages: 1 })));
    const page = tools.text(sealed.pdfBytes, 2);
    assert.match(page, /Dossier de preuve/);
    assert.match(page, /TEST — non fiable/);
    assert.match(page, /env_3f9c2a7e/);
    assert.match(page, /eloise@example\.org/);
    assert.match(page, /\+33 6•• •• •• 42/);
    assert.match(page, /2026-11-26 10:01:00 UTC/);
    // Events read in the page's language, with the code evidence.json uses.
    assert.match(page, /Demande de signature reçue \(envelope\.created\) — contact@dupont\.example/);
    assert.match(page, /Le signataire a signé \(signer\.signed\) — signataire/);
    const json = JSON.parse(tools.attachment(sealed.pdfBytes));
    assert.equal(json.envelopeId, 'env_3f9c2a7e');
    assert.equal(json.signers[0].codeConfirmedAt, '2026-11-26T10:01:00.000Z');
    assert.deepEqual(json.seal, {
      sealedAt: '2026-11-26T10:05:00.000Z',
      kind: 'certification',
      isTestKey: true,
      existingSignatures: 0,
    });
  });

  it('writes the evidence in English when asked, over several pages when long', async () => {
    const long = input(await generated({ pages: 1 }), { locale: 'en', docMdpPermissions: 2 });
    long.evidence.events = Array.from({ length: 150 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 26, 9, i)),
      type: 'page.viewed',
      actor: 'eloise@example.org',
      detail: `view ${i}`,
    }));
    const sealed = await sealDocument(long);
    assert.ok(sealed.evidencePageCount >= 2);
    assert.match(tools.text(sealed.pdfBytes, 2), /Evidence record/);
    assert.match(tools.text(sealed.pdfBytes, 3), /Evidence record \(continued\)/);
    const inspection = await inspectPdf(sealed.pdfBytes);
    assert.equal(inspection.signatures[0]?.docMdpPermissions, 2);
    assert.ok(tools.pdfsig(sealed.pdfBytes)[0]?.isValid);
  });

  it('draws names the standard fonts cannot show with the Unicode font given', {
    skip: !existsSync(DEJAVU),
  }, async () => {
    const withFont = input(await generated({ pages: 1 }), {
      unicodeFont: new Uint8Array(readFileSync(DEJAVU)),
    });
    const name = 'Łukasz Dvořák';
    (withFont.stamps[0] as SealDocumentInput['stamps'][number]).signerName = name;
    (withFont.evidence.signers[0] as (typeof withFont.evidence.signers)[number]).name = name;
    const sealed = await sealDocument(withFont);
    assert.match(tools.text(sealed.pdfBytes, 1), /Łukasz Dvořák/);
    assert.match(tools.text(sealed.pdfBytes, 2), /Łukasz Dvořák/);
    assert.ok(
      sealed.pdfBytes.length - withFont.pdfBytes.length < 120_000,
      'only a subset of the font is embedded',
    );
    assert.ok(tools.pdfsig(sealed.pdfBytes)[0]?.isValid);
    const without = input(await generated({ pages: 1 }));
    (without.stamps[0] as SealDocumentInput['stamps'][number]).signerName = name;
    assert.match(tools.text((await sealDocument(without)).pdfBytes, 1), /\?ukasz Dvo\?ák/);
  });

  it('is reported invalid once a single byte changes', async () => {
    const sealed = await sealDocument(input(await generated()));
    const tampered = Buffer.from(sealed.pdfBytes);
    const at = tampered.indexOf('/MediaBox [ 0 0 595 842 ]');
    assert.ok(at > 0);
    tampered[at + 15] = '6'.charCodeAt(0);
    const [signature] = tools.pdfsig(tampered);
    assert.ok(signature, 'the signature is still found');
    assert.equal(signature.isValid, false, signature.text);
  });

  it('seals a file whose cross-references are a compressed xref stream, and with an ECDSA key', async () => {
    const original = await generated({ useObjectStreams: true });
    const sealed = await sealDocument(input(original, { key: testSealKey('seal-ec') }));
    assert.equal(tools.qpdfCheck(sealed.pdfBytes).status, 0);
    const [signature] = tools.pdfsig(sealed.pdfBytes);
    assert.ok(signature?.isValid && signature.isTrusted && signature.isTotal, signature?.text);
  });

  it('seals a file with a broken cross-reference table, or bytes before its header, leaving them as they are', async () => {
    const good = Buffer.from(await generated());
    const brokenXref = Buffer.from(
      good.toString('latin1').replace(/startxref\n\d+/, 'startxref\n99'),
      'latin1',
    );
    const junkFirst = Buffer.concat([Buffer.from('Received: by mail gateway\n'), good]);
    for (const original of [brokenXref, junkFirst]) {
      const sealed = await sealDocument(input(new Uint8Array(original)));
      assert.ok(Buffer.from(sealed.pdfBytes.subarray(0, original.length)).equals(original));
      assert.equal(
        tools.qpdfCheck(sealed.pdfBytes).status === 2,
        false,
        tools.qpdfCheck(sealed.pdfBytes).output,
      );
      const [signature] = tools.pdfsig(sealed.pdfBytes);
      assert.ok(signature?.isValid && signature.isTotal, signature?.text);
      assert.equal((await inspectPdf(sealed.pdfBytes)).pageCount, 3);
    }
  });

  it('keeps an existing signature valid and adds an approval seal instead of a certification', async () => {
    const signed = new Uint8Array(readFileSync(path.join(REFS, 'd-approval-BT.pdf')));
    assert.equal(tools.pdfsig(signed).filter((s) => s.isValid).length, 1);
    const sealed = await sealDocument(input(signed));
    assert.equal(sealed.kind, 'approval');
    const signatures = tools.pdfsig(sealed.pdfBytes);
    assert.equal(signatures.length, 2);
    assert.ok(signatures[0]?.isValid, `the earlier signature stays valid: ${signatures[0]?.text}`);
    assert.ok(signatures[1]?.isValid && signatures[1].isTotal, signatures[1]?.text);
    const inspection = await inspectPdf(sealed.pdfBytes);
    assert.equal(inspection.isCertified, false);
    assert.match(tools.text(sealed.pdfBytes), /signature d’approbation/);
  });

  it('refuses encrypted input, owner password included, without producing anything', async () => {
    const original = await generated();
    assert.equal(
      await refusal(sealDocument(input(encrypt(tools, original, '')))),
      'PDF_ENCRYPTED_OWNER_PASSWORD',
    );
    assert.equal(
      await refusal(sealDocument(input(encrypt(tools, original, 'pw')))),
      'PDF_ENCRYPTED_USER_PASSWORD',
    );
  });

  it('refuses a certified file, and re-sealing its own output', async () => {
    const sealed = await sealDocument(input(await generated()));
    assert.equal(await refusal(sealDocument(input(sealed.pdfBytes))), 'PDF_CERTIFIED');
  });

  it('refuses a certification P=2 or P=3: no level allows the pages and content the seal adds', async () => {
    for (const docMdpPermissions of [2, 3] as const) {
      const certified = await sealDocument(input(await generated(), { docMdpPermissions }));
      assert.equal(
        await refusal(sealDocument(input(certified.pdfBytes))),
        'PDF_CERTIFIED_FORBIDS_SEAL',
        `P=${docMdpPermissions}`,
      );
    }
    const p2 = new Uint8Array(readFileSync(path.join(REFS, 'f3-certify-p2.pdf')));
    assert.equal(await refusal(sealDocument(input(p2))), 'PDF_CERTIFIED_FORBIDS_SEAL');
  });

  it('keeps two earlier approvals valid', async () => {
    const signed = new Uint8Array(readFileSync(path.join(REFS, 'd2-two-approvals.pdf')));
    const sealed = await sealDocument(input(signed));
    assert.equal(sealed.kind, 'approval');
    const signatures = tools.pdfsig(sealed.pdfBytes);
    assert.equal(signatures.length, 3);
    assert.ok(
      signatures.every((s) => s.isValid),
      signatures.map((s) => s.text).join('\n'),
    );
  });

  it('seals with an approval when a signature dictionary is reachable from no field', async () => {
    const sealed = await sealDocument(input(unlistedSignature()));
    assert.equal(sealed.kind, 'approval');
    assert.equal((await inspectPdf(sealed.pdfBytes)).isCertified, false);
    const [signature] = tools.pdfsig(sealed.pdfBytes);
    assert.ok(signature?.isValid && signature.isTotal, signature?.text);
  });

  it('drops Reader usage rights (/Perms /UR3) and seals with an approval', async () => {
    const sealed = await sealDocument(input(usageRights()));
    assert.equal(sealed.kind, 'approval');
    const inspection = await inspectPdf(sealed.pdfBytes);
    assert.equal(inspection.hasUsageRights, false);
    assert.equal(inspection.isCertified, false);
    // The usage-rights dictionary stays in the earlier revision, reachable from nothing now.
    assert.deepEqual(
      inspection.signatures.map((s) => s.source),
      ['field', 'unlisted'],
    );
    const [signature] = tools.pdfsig(sealed.pdfBytes);
    assert.ok(signature?.isValid && signature.isTotal, signature?.text);
  });

  it('seals a real Reader-extended form so that pdf-validate accepts our seal', {
    skip: !existsSync(path.join(CORPUS, 'pdfjs/160F-2019.pdf')),
  }, async () => {
    const original = new Uint8Array(readFileSync(path.join(CORPUS, 'pdfjs/160F-2019.pdf')));
    assert.equal((await inspectPdf(original)).hasUsageRights, true);
    const sealed = await sealDocument({ ...input(original), stamps: [] });
    assert.equal(sealed.kind, 'approval');
    const result = spawnSync(
      VALIDATOR,
      [tools.file(sealed.pdfBytes), '--trust', path.join(PKI_DIR, 'root.pem'), '--offline'],
      { encoding: 'utf8' },
    );
    // The file's own UR3 signature chains to Adobe, not to the test root: judge our row only. A
    // certification here was rejected ("certification signature is not the first signature").
    assert.match(result.stdout, /^\s*\d+\s+Paraphe seal\s+approval\b.*\sOK\s*$/m, result.stdout);
    assert.doesNotMatch(result.stdout, /not the first signature/);
  });

  it('fails loudly when the CMS does not fit the reserved space', async () => {
    const result = await refusal(sealDocument(input(await generated(), { contentsSize: 1024 })));
    assert.equal(result, 'PDF_SIGNATURE_TOO_LARGE');
  });

  it('refuses a stamp outside the page or on a missing page', async () => {
    const original = await generated();
    const outside = input(original);
    outside.stamps = [
      {
        ...(outside.stamps[0] as SealDocumentInput['stamps'][number]),
        rect: { x: 500, y: 10, width: 200, height: 50 },
      },
    ];
    assert.equal(await refusal(sealDocument(outside)), 'PDF_STAMP_RECT_INVALID');
    const missing = input(original);
    missing.stamps = [{ ...(missing.stamps[0] as SealDocumentInput['stamps'][number]), page: 9 }];
    assert.equal(await refusal(sealDocument(missing)), 'PDF_PAGE_OUT_OF_RANGE');
  });

  it('passes the independent validator (pdf-validate) as a PAdES certification P=1', async () => {
    const sealed = await sealDocument(input(await generated()));
    const result = spawnSync(
      VALIDATOR,
      [tools.file(sealed.pdfBytes), '--trust', path.join(PKI_DIR, 'root.pem'), '--offline'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /Certification: yes, DocMDP P=1/);
    assert.match(result.stdout, /VERDICT: VALID/);
  });
});
