import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef } from 'pdf-lib';
import { sealDocument } from '../seal/seal-document.js';
import { sampleEvidence, sampleSealOptions } from '../testing/fixtures.js';
import { PdfTools } from '../testing/tools.js';
import { addValidationData, vriKey } from './add-validation-data.js';
import { listSignatureContents } from './list-signature-contents.js';

const tools = new PdfTools();
after(() => tools.cleanup());
const blob = (text: string) => new Uint8Array(Buffer.from(text));

/** The DSS as a reader sees it: each array's stream contents (decoded) and the VRI keys. */
async function readDss(pdfBytes: Uint8Array) {
  const doc = await PDFDocument.load(pdfBytes, { updateMetadata: false });
  const dss = doc.catalog.lookup(PDFName.of('DSS'), PDFDict);
  const contents = (array: PDFArray | undefined) =>
    (array?.asArray() ?? []).map((ref) => {
      const stream = doc.context.lookup(ref as PDFRef);
      assert.ok(stream instanceof PDFRawStream);
      return Buffer.from(inflateSync(stream.contents)).toString();
    });
  const vri = dss.lookup(PDFName.of('VRI'), PDFDict);
  const entry = (key: string, field: string) =>
    contents(vri.lookup(PDFName.of(key), PDFDict).lookupMaybe(PDFName.of(field), PDFArray));
  return {
    certs: contents(dss.lookupMaybe(PDFName.of('Certs'), PDFArray)),
    ocsps: contents(dss.lookupMaybe(PDFName.of('OCSPs'), PDFArray)),
    crls: contents(dss.lookupMaybe(PDFName.of('CRLs'), PDFArray)),
    vriKeys: vri.keys().map((k) => k.decodeText()),
    entry,
  };
}

describe('addValidationData', () => {
  let sealed: Uint8Array;
  let contents: Uint8Array;
  before(async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    sealed = (
      await sealDocument({
        pdfBytes: await doc.save(),
        stamps: [],
        evidence: sampleEvidence(),
        seal: sampleSealOptions(),
      })
    ).pdfBytes;
    const [signature] = await listSignatureContents(sealed);
    assert.ok(signature);
    contents = signature.contents;
  });

  it('files the data under the VRI key of the padded /Contents, after the signed bytes', async () => {
    const out = await addValidationData(sealed, {
      certs: [blob('cert A')],
      ocsps: [blob('ocsp A')],
      crls: [],
      vri: [{ signatureContents: contents, certs: [blob('cert A')], ocsps: [blob('ocsp A')], crls: [] }],
    });
    assert.equal(
      Buffer.compare(Buffer.from(out.pdfBytes.subarray(0, sealed.length)), Buffer.from(sealed)),
      0,
    );
    const key = createHash('sha1').update(contents).digest('hex').toUpperCase();
    assert.equal(vriKey(contents), key);
    // The padded value, not the CMS alone: the reserved /Contents is larger than the CMS.
    assert.equal(contents.at(-1), 0);
    const dss = await readDss(out.pdfBytes);
    assert.deepEqual(dss.vriKeys, [key]);
    assert.deepEqual(dss.entry(key, 'OCSP'), ['ocsp A']);
    const [signature] = tools.pdfsig(out.pdfBytes);
    assert.ok(signature?.isValid, signature?.text);
  });

  it('merges into an existing DSS: earlier VRI entries and data kept, nothing stored twice', async () => {
    const first = await addValidationData(sealed, {
      certs: [blob('cert A')],
      ocsps: [blob('ocsp A')],
      crls: [],
      vri: [{ signatureContents: contents, certs: [blob('cert A')], ocsps: [blob('ocsp A')], crls: [] }],
    });
    const other = blob('another signature');
    const second = await addValidationData(first.pdfBytes, {
      certs: [blob('cert A'), blob('cert B')],
      ocsps: [blob('ocsp B')],
      crls: [blob('crl B')],
      vri: [
        { signatureContents: other, certs: [blob('cert B')], ocsps: [blob('ocsp B')], crls: [] },
        { signatureContents: contents, certs: [], ocsps: [], crls: [blob('crl B')] },
      ],
    });
    assert.equal(
      Buffer.compare(
        Buffer.from(second.pdfBytes.subarray(0, first.pdfBytes.length)),
        Buffer.from(first.pdfBytes),
      ),
      0,
    );
    const dss = await readDss(second.pdfBytes);
    assert.deepEqual(dss.certs, ['cert A', 'cert B']);
    assert.deepEqual(dss.ocsps, ['ocsp A', 'ocsp B']);
    assert.deepEqual(dss.crls, ['crl B']);
    assert.deepEqual(dss.vriKeys.sort(), [vriKey(contents), vriKey(other)].sort());
    assert.deepEqual(dss.entry(vriKey(contents), 'OCSP'), ['ocsp A']);
    assert.deepEqual(dss.entry(vriKey(contents), 'CRL'), ['crl B']);
    assert.deepEqual(dss.entry(vriKey(other), 'Cert'), ['cert B']);
  });
});
