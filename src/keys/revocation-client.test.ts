import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureLocalPkiServices, testPkiDir } from '../../test/support/pdf-validate.js';
import { readPemCertificates } from './certificates.js';
import { fetchRevocationData } from './revocation-client.js';

const chainOf = (name: string) => {
  const [certificate, ...rest] = readPemCertificates(
    readFileSync(path.join(testPkiDir, `${name}-fullchain.pem`), 'utf8'),
  );
  assert.ok(certificate);
  return {
    certificate,
    chain: [...rest, ...readPemCertificates(readFileSync(path.join(testPkiDir, 'root.pem'), 'utf8'))],
  };
};

before(async () => ensureLocalPkiServices());

describe('fetchRevocationData', () => {
  it('collects a verified OCSP answer for the seal and revocation data for its CA (B-LT material)', async () => {
    const data = await fetchRevocationData(chainOf('seal-rsa'));
    assert.equal(data.statuses.length, 2);
    assert.deepEqual(
      data.statuses.map((s) => s.status.status),
      ['good', 'good'],
    );
    assert.ok(data.ocsps.length >= 1);
  });

  it('reports a revoked seal certificate as revoked', async () => {
    const data = await fetchRevocationData(chainOf('seal-revoked'));
    assert.equal(data.statuses[0]?.status.status, 'revoked');
  });
});
