import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { opensslVerifyCms } from '../../test/support/openssl-cms.js';
import { testPkiDir } from '../../test/support/pdf-validate.js';
import { createSoftHsmToken, softhsmModule } from '../../test/support/softhsm.js';
import { createCadesSignature, sha } from '../pdf/pades/index.js';
import { isAppError } from '../shared/errors.js';
import { readPemCertificates } from './certificates.js';
import { openPkcs11SealKey } from './pkcs11-seal-key.js';

const module = softhsmModule;
const work = mkdtempSync(path.join(tmpdir(), 'paraphe-hsm-'));
const pin = '1234';

before(() => {
  // SoftHSM reads its configuration from this variable when the module initialises.
  process.env.SOFTHSM2_CONF = createSoftHsmToken(work, pin).SOFTHSM2_CONF;
});
after(() => rmSync(work, { recursive: true, force: true }));

const opensslAccepts = (cms: Uint8Array, content: Uint8Array) =>
  opensslVerifyCms(cms, content, path.join(testPkiDir, 'root.pem')).ok;

describe('openPkcs11SealKey (SoftHSM2)', () => {
  it('signs with an RSA key whose certificate is on the token, and openssl verifies the CMS', async () => {
    const chain = readPemCertificates(readFileSync(path.join(testPkiDir, 'chain.pem'), 'utf8'));
    const key = await openPkcs11SealKey({
      module,
      tokenLabel: 'paraphe-test',
      pin,
      keyLabel: 'seal-rsa',
      extraChain: chain,
    });
    try {
      assert.equal(key.algorithm, 'rsa-sha256');
      assert.equal(key.chain.length, 2);
      const content = Buffer.from('sealed through an HSM');
      const cms = await createCadesSignature({ contentDigest: sha('sha256', content), key });
      assert.ok(opensslAccepts(cms, content));
    } finally {
      key.close();
    }
  });

  it('signs with an EC key and a certificate given as a file', async () => {
    const [certificate, ...chain] = readPemCertificates(
      readFileSync(path.join(testPkiDir, 'seal-ec-fullchain.pem'), 'utf8'),
    );
    assert.ok(certificate);
    const key = await openPkcs11SealKey({
      module,
      tokenLabel: 'paraphe-test',
      pin,
      keyLabel: 'seal-ec',
      certificate,
      extraChain: chain,
    });
    try {
      assert.equal(key.algorithm, 'ecdsa-sha256');
      const content = Buffer.from('EC through an HSM');
      const cms = await createCadesSignature({ contentDigest: sha('sha256', content), key });
      assert.ok(opensslAccepts(cms, content));
    } finally {
      key.close();
    }
  });

  it('reports a wrong PIN without repeating it', async () => {
    await assert.rejects(
      openPkcs11SealKey({ module, tokenLabel: 'paraphe-test', pin: '9999', keyLabel: 'seal-rsa' }),
      (error) =>
        isAppError(error, 'SEAL_PKCS11_FAILED') &&
        /wrong PIN/.test(error.message) &&
        !error.message.includes('9999'),
    );
  });
});
