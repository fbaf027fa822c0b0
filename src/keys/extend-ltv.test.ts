import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { ensureLocalPkiServices, localTsaUrl, pdfValidateDir } from '../../test/support/pdf-validate.js';
import { sealDocument } from '../pdf/index.js';
import { listSignatureContents } from '../pdf/ltv/index.js';
import { PKI_DIR, sampleEvidence, sampleSealOptions, testSealKey } from '../pdf/testing/fixtures.js';
import { PdfTools } from '../pdf/testing/tools.js';
import { isAppError } from '../shared/errors.js';
import { extendLtv } from './extend-ltv.js';
import { createTsaClient } from './tsa-client.js';

const tools = new PdfTools();
after(() => tools.cleanup());
const timestamp = createTsaClient({ urls: [localTsaUrl], rounds: 1 });
const trust = path.join(PKI_DIR, 'root.pem');

async function sealedBt(keyName: 'seal-rsa' | 'seal-revoked' = 'seal-rsa'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('Contract', { x: 50, y: 780 });
  const sealed = await sealDocument({
    pdfBytes: await doc.save(),
    stamps: [],
    evidence: sampleEvidence(),
    seal: sampleSealOptions({ timestamp, key: testSealKey(keyName) }),
  });
  return sealed.pdfBytes;
}

/** pyHanko's LTV validation (PAdES profile) from the data in the file, and the shared checker. */
function assertLongTermValid(pdfBytes: Uint8Array, level: 'B-LT' | 'B-LTA') {
  const file = tools.file(pdfBytes);
  const pyhanko = spawnSync(path.join(pdfValidateDir, 'pyhanko-ltv-offline.sh'), [file, '--trust', trust], {
    encoding: 'utf8',
  });
  assert.equal(pyhanko.status, 0, `${pyhanko.stdout}${pyhanko.stderr}`);
  for (const line of pyhanko.stdout.trim().split('\n'))
    assert.match(
      line,
      /:INTACT:TRUSTED,.*ACCEPTABLE_MODIFICATIONS|:INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>/,
      line,
    );
  const validate = spawnSync(
    path.join(pdfValidateDir, 'validate-pdf.sh'),
    [file, '--trust', trust, '--require-ltv'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(validate.status, 0, `${validate.stdout}${validate.stderr}`);
  assert.match(validate.stdout, new RegExp(`\\b${level}\\b`));
  assert.match(validate.stdout, /VERDICT: VALID/);
  // pdfsig checks signatures, not document timestamps ("Signature Type: unknown", never verified).
  const signatures = tools.pdfsig(pdfBytes).filter((s) => !/Field Name: Paraphe timestamp/.test(s.text));
  assert.equal(signatures.length, 1);
  for (const signature of signatures) assert.ok(signature.isValid, signature.text);
}

// Each case seals anew: the seal job extends right after sealing, and pyHanko's PAdES profile
// wants revocation data gathered close to the signature timestamp (within seconds, not a minute later).
describe('extendLtv', () => {
  before(async () => ensureLocalPkiServices());

  it('raises a B-T certification to B-LT that pyHanko validates offline', async () => {
    const bt = await sealedBt();
    const lt = await extendLtv(bt, { level: 'B-LT', timestamp });
    assert.equal(Buffer.compare(Buffer.from(lt.pdfBytes.subarray(0, bt.length)), Buffer.from(bt)), 0);
    assertLongTermValid(lt.pdfBytes, 'B-LT');
  });

  it('raises it to B-LTA, and extends a B-LTA file again with a second document timestamp', async () => {
    const lta = await extendLtv(await sealedBt(), { level: 'B-LTA', timestamp });
    assertLongTermValid(lta.pdfBytes, 'B-LTA');
    const again = await extendLtv(lta.pdfBytes, { level: 'B-LTA', timestamp });
    assert.equal(
      Buffer.compare(Buffer.from(again.pdfBytes.subarray(0, lta.pdfBytes.length)), Buffer.from(lta.pdfBytes)),
      0,
    );
    const kinds = (await listSignatureContents(again.pdfBytes)).map((s) => s.kind);
    assert.deepEqual(kinds, ['signature', 'document-timestamp', 'document-timestamp']);
    assertLongTermValid(again.pdfBytes, 'B-LTA');
  });

  it('refuses to write a DSS when a revocation status cannot be fetched, rather than invent one', async () => {
    await assert.rejects(
      extendLtv(await sealedBt(), {
        level: 'B-LT',
        fetchRevocation: async () => ({
          ocsps: [],
          crls: [],
          statuses: [{ subject: 'CN=Seal', status: { status: 'unknown', reason: 'no OCSP or CRL answer' } }],
        }),
      }),
      (error) => isAppError(error, 'REVOCATION_UNAVAILABLE'),
    );
  });

  it('refuses to file data that says the seal certificate is revoked', async () => {
    await assert.rejects(extendLtv(await sealedBt('seal-revoked'), { level: 'B-LT' }), (error) =>
      isAppError(error, 'REVOCATION_CERTIFICATE_REVOKED'),
    );
  });
});
