import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { opensslVerifyCms } from '../../../test/support/openssl-cms.js';
import { createCadesSignature } from './cms.js';
import type { SealKey, TimestampClient } from './types.js';

const PKI = path.resolve('../shared/tools/pdf-validate/pki');
const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cms-'));
after(() => rmSync(work, { recursive: true, force: true }));

function pemCertificates(pem: string): Uint8Array[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new Uint8Array(new X509Certificate(block).raw),
  );
}

/** A SealKey over the test PKI's PEM files, independent of keys/. */
function pemKey(name: 'seal-rsa' | 'seal-ec'): SealKey {
  const [certificate, ...chain] = pemCertificates(
    readFileSync(path.join(PKI, `${name}-fullchain.pem`), 'utf8'),
  );
  assert.ok(certificate);
  const key = createPrivateKey(readFileSync(path.join(PKI, `${name}.key`)));
  return {
    certificate,
    chain,
    algorithm: name === 'seal-rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
    isTestKey: true,
    sign: async (data) => new Uint8Array(sign('sha256', data, key)),
  };
}

const opensslVerify = (cms: Uint8Array, content: Uint8Array) =>
  opensslVerifyCms(cms, content, path.join(PKI, 'root.pem'));

function printCms(cms: Uint8Array): string {
  const file = path.join(work, `${randomBytes(4).toString('hex')}.der`);
  writeFileSync(file, cms);
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file], {
    encoding: 'utf8',
  });
}

describe('createCadesSignature', () => {
  for (const name of ['seal-rsa', 'seal-ec'] as const) {
    it(`writes a detached CMS that openssl cms -verify accepts (${name})`, async () => {
      const content = randomBytes(5000);
      const cms = await createCadesSignature({
        contentDigest: createHash('sha256').update(content).digest(),
        key: pemKey(name),
      });
      const result = opensslVerify(cms, content);
      assert.ok(result.ok, result.output);
      assert.match(result.output, /Verification successful/);
    });
  }

  it('is refused by openssl when one content byte changes', async () => {
    const content = randomBytes(1000);
    const cms = await createCadesSignature({
      contentDigest: createHash('sha256').update(content).digest(),
      key: pemKey('seal-rsa'),
    });
    content[10] = (content[10] ?? 0) ^ 1;
    assert.equal(opensslVerify(cms, content).ok, false);
  });

  it('carries signing-certificate-v2, no signingTime, and the chain', async () => {
    const cms = await createCadesSignature({
      contentDigest: createHash('sha256').update('x').digest(),
      key: pemKey('seal-rsa'),
    });
    const printed = printCms(cms);
    assert.match(printed, /id-smime-aa-signingCertificateV2/);
    assert.doesNotMatch(printed, /signingTime/);
    // seal + issuing CA (the fullchain PEM stops below the root)
    assert.equal((printed.match(/cert_info:/g) ?? []).length, 2);
  });

  it('adds the timestamp token over the signature value as an unsigned attribute', async () => {
    let imprintSeen: Uint8Array | undefined;
    const fakeToken = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x07]);
    const tsa: TimestampClient = {
      timestamp: async (imprint) => {
        imprintSeen = imprint;
        return fakeToken;
      },
    };
    const cms = await createCadesSignature({
      contentDigest: createHash('sha256').update('x').digest(),
      key: pemKey('seal-ec'),
      timestamp: tsa,
    });
    const printed = printCms(cms);
    assert.match(printed, /id-smime-aa-timeStampToken/);
    assert.equal(imprintSeen?.length, 32);
  });
});
