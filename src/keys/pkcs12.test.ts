import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatName, parseCertificate } from '../pdf/pades/index.js';
import { isAppError } from '../shared/errors.js';
import { keyObjectSealKey } from './key-object-seal-key.js';
import { readPkcs12 } from './pkcs12.js';

const PKI = path.resolve('../shared/tools/pdf-validate/pki');

describe('readPkcs12', () => {
  for (const [file, algorithm] of [
    ['seal-rsa.p12', 'rsa-sha256'],
    ['seal-ec.p12', 'ecdsa-sha256'],
    ['seal-rsa-3des.p12', 'rsa-sha256'],
    ['seal-ec-3des.p12', 'ecdsa-sha256'],
  ] as const) {
    it(`opens ${file} and yields a key whose signatures its certificate verifies`, async () => {
      const contents = readPkcs12(readFileSync(path.join(PKI, file)), 'seal-pass');
      const key = keyObjectSealKey({ ...contents, isTestKey: false });
      assert.equal(key.algorithm, algorithm);
      assert.match(formatName(parseCertificate(key.certificate).subject), /CN=ACME Corp GmbH e-Seal/);
      assert.deepEqual(
        key.chain.map((c) => formatName(parseCertificate(c).subject).split(',')[0]),
        ['CN=Test Issuing CA 2026', 'CN=Test Root CA 2026'],
      );
      const data = Buffer.from('to be signed');
      const signature = await key.sign(data);
      assert.ok(verify('sha256', data, new X509Certificate(key.certificate).publicKey, signature));
    });
  }

  it('says the passphrase is wrong rather than that the file is corrupt', () => {
    for (const file of ['seal-rsa.p12', 'seal-rsa-3des.p12']) {
      assert.throws(
        () => readPkcs12(readFileSync(path.join(PKI, file)), 'not-the-pass'),
        (error) => isAppError(error, 'SEAL_KEY_PASSPHRASE_WRONG') && !error.message.includes('not-the-pass'),
      );
    }
  });

  it('refuses a file that is not PKCS#12', () => {
    assert.throws(
      () => readPkcs12(readFileSync(path.join(PKI, 'root.pem')), 'seal-pass'),
      (error) => isAppError(error, 'SEAL_KEY_INVALID'),
    );
  });
});
