import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { opensslVerifyCms } from '../../test/support/openssl-cms.js';
import {
  createCadesSignature,
  extendedKeyUsages,
  formatName,
  parseCertificate,
  sha,
} from '../pdf/pades/index.js';
import { toPem } from './certificates.js';
import { devSealRoot, ensureDevSealKey } from './dev-seal-key.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-dev-key-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('ensureDevSealKey', () => {
  it('generates a test seal once and reuses it afterwards', () => {
    const first = ensureDevSealKey(dataDir);
    const keyFile = path.join(dataDir, 'dev-seal', 'seal.key');
    const before = readFileSync(keyFile);
    const second = ensureDevSealKey(dataDir);
    assert.deepEqual(second.certificate, first.certificate);
    assert.deepEqual(readFileSync(keyFile), before);
    assert.equal(statSync(keyFile).mode & 0o077, 0, 'the key file is readable by its owner only');
    assert.equal(first.isTestKey, true);
  });

  it('issues a seal certificate marked TEST with the usages validators need', () => {
    const key = ensureDevSealKey(dataDir);
    const cert = parseCertificate(key.certificate);
    assert.match(formatName(cert.subject), /TEST — not trusted/);
    assert.deepEqual(extendedKeyUsages(cert), ['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']);
    assert.equal(key.chain.length, 1);
  });

  it('signs CMS that openssl verifies against the dev CA', async () => {
    const key = ensureDevSealKey(dataDir);
    const content = Buffer.from('dev content');
    const cms = await createCadesSignature({ contentDigest: sha('sha256', content), key });
    const root = devSealRoot(dataDir);
    assert.ok(root);
    const caFile = path.join(dataDir, 'ca.pem');
    writeFileSync(caFile, toPem(root));
    const verdict = opensslVerifyCms(cms, content, caFile);
    assert.equal(verdict.ok, true, verdict.output);
  });
});
