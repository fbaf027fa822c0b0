import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureLocalPkiServices, refsDir, testPkiDir } from '../../../test/support/pdf-validate.js';
import { isAppError } from '../../shared/errors.js';
import { verifyPdf } from './verify-pdf.js';

const root = new Uint8Array(new X509Certificate(readFileSync(path.join(testPkiDir, 'root.pem'))).raw);
const fetchCrl = async (url: string) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
};

/** Expected verdicts of the independent checker (selftest.sh), plus the extra pdfsig-made file. */
const expected: [file: string, isValid: boolean][] = [
  ['a-certify-p1-BB.pdf', true],
  ['a2-certify-p1-BB-ecdsa.pdf', true],
  ['b-certify-p1-BT.pdf', true],
  ['c-certify-p1-BLT.pdf', true],
  ['c2-certify-p1-BLTA.pdf', true],
  ['c3-certify-p1-BT-then-ltvfix.pdf', true],
  ['d-approval-BT.pdf', true],
  ['d2-two-approvals.pdf', true],
  ['d3-approval-adbe-pkcs7.pdf', true],
  ['e-tampered.pdf', false],
  ['e2-corrupted-signature-value.pdf', false],
  ['f-certify-p1-then-modified.pdf', false],
  ['f2-certify-p1-then-info-update.pdf', true],
  ['f3-certify-p2.pdf', true],
  ['f4-certify-p2-then-approval.pdf', true],
  ['g-revoked-cert-BT.pdf', false],
  ['h-doconly-eku-BT.pdf', false],
  ['input.pdf', false],
  ['i-pdfsig-adbe-approval.pdf', true],
];

const verify = (file: string) =>
  verifyPdf(readFileSync(path.join(refsDir, file)), { trustRoots: [root], fetchCrl });

before(async () => ensureLocalPkiServices());

describe('verifyPdf on the reference files', () => {
  for (const [file, isValid] of expected) {
    it(`says ${file} is ${isValid ? 'valid' : 'invalid'}, as the independent checker does`, async () => {
      const report = await verify(file);
      assert.equal(report.isValid, isValid, JSON.stringify(report, null, 1));
    });
  }

  it('reports a B-T certification with its level, timestamp and whole-file coverage', async () => {
    const [sig] = (await verify('b-certify-p1-BT.pdf')).signatures;
    assert.equal(sig?.kind, 'certification');
    assert.equal(sig?.docMdpLevel, 1);
    assert.equal(sig?.pades.level, 'B-T');
    assert.equal(sig?.timestamp?.isValid, true);
    assert.equal(sig?.timestamp?.isTrusted, true);
    assert.equal(sig?.coversWholeFile, true);
    assert.equal(sig?.revocation.status, 'good');
    assert.match(sig?.signer ?? '', /ACME Corp GmbH e-Seal/);
  });

  it('sees the DSS revision and the document timestamp of a B-LTA file', async () => {
    const report = await verify('c2-certify-p1-BLTA.pdf');
    assert.equal(report.signatures[0]?.pades.level, 'B-LTA');
    assert.equal(report.signatures[0]?.coversWholeFile, false);
    assert.equal(report.signatures[1]?.kind, 'document-timestamp');
    assert.ok((report.dss?.ocsps ?? 0) + (report.dss?.crls ?? 0) > 0);
  });

  it('names the forbidden change after a P=1 certification', async () => {
    const [sig] = (await verify('f-certify-p1-then-modified.pdf')).signatures;
    assert.ok(sig?.changes.some((c) => c.verdict === 'forbidden' && /page/.test(c.description)));
  });

  it('warns about an Info-only update but keeps the certification valid', async () => {
    const [sig] = (await verify('f2-certify-p1-then-info-update.pdf')).signatures;
    assert.equal(sig?.isValid, true);
    assert.match(sig?.warnings.join(' ') ?? '', /Info/);
  });

  it('explains why a documentSigning-only certificate is refused', async () => {
    const [sig] = (await verify('h-doconly-eku-BT.pdf')).signatures;
    assert.match(sig?.problems.join(' ') ?? '', /lacks emailProtection/);
    assert.equal(sig?.integrity.isSignatureValid, true);
  });

  it('flags adbe.pkcs7.detached as not PAdES without failing it', async () => {
    const [sig] = (await verify('d3-approval-adbe-pkcs7.pdf')).signatures;
    assert.equal(sig?.isValid, true);
    assert.equal(sig?.pades.isPades, false);
  });

  it('does not trust a signature when the root is not among the trust anchors', async () => {
    const report = await verifyPdf(readFileSync(path.join(refsDir, 'a-certify-p1-BB.pdf')), {
      trustRoots: [],
    });
    assert.equal(report.isValid, false);
    assert.equal(report.signatures[0]?.trust.isTrusted, false);
  });

  it('checks a signature made without signed attributes (signature over the content itself)', async () => {
    const file = path.resolve('../shared/corpus/pdf/pyhanko/sig-no-signed-attrs.pdf');
    const [sig] = (await verifyPdf(readFileSync(file), { trustRoots: [] })).signatures;
    assert.deepEqual(sig?.integrity, {
      isByteRangeValid: true,
      isDigestMatching: true,
      isSignatureValid: true,
    });
  });

  it('refuses bytes that are not a PDF', async () => {
    await assert.rejects(verifyPdf(new TextEncoder().encode('hello'), { trustRoots: [root] }), (e) =>
      isAppError(e, 'PDF_VERIFY_UNREADABLE'),
    );
  });
});
