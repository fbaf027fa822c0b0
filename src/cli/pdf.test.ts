import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runParaphe } from '../../test/support/cli.js';
import {
  ensureLocalPkiServices,
  localTsaUrl,
  p12SealEnv,
  pdfValidateDir,
  refsDir,
  testPkiDir,
} from '../../test/support/pdf-validate.js';
import { createSoftHsmToken, softhsmModule } from '../../test/support/softhsm.js';

const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cli-pdf-'));
const input = path.join(refsDir, 'input.pdf');
const root = path.join(testPkiDir, 'root.pem');
const devEnv = { PARAPHE_DATA_DIR: path.join(work, 'data') };
const p12Env = p12SealEnv(devEnv.PARAPHE_DATA_DIR);

before(async () => ensureLocalPkiServices());
after(() => rmSync(work, { recursive: true, force: true }));

describe('paraphe seal / verify', () => {
  it('seals with the dev key in dev mode, and verify trusts the dev CA by default', () => {
    const out = path.join(work, 'dev.pdf');
    const sealed = runParaphe(['seal', input, '-o', out], devEnv);
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.match(sealed.stdout, /TEST KEY/);
    const verified = runParaphe(['verify', out], devEnv);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /certification \(DocMDP P=1\)[\s\S]*VERDICT: VALID/);
    const devCa = path.join(devEnv.PARAPHE_DATA_DIR, 'dev-seal', 'ca.pem');
    const independent = spawnSync(path.join(pdfValidateDir, 'validate-pdf.sh'), [out, '--trust', devCa], {
      encoding: 'utf8',
    });
    assert.equal(independent.status, 0, independent.stdout);
  });

  it('seals B-T with a PKCS#12 key and a TSA after a dead one; the independent checker agrees', () => {
    const out = path.join(work, 'rsa-bt.pdf');
    const sealed = runParaphe(['seal', input, '-o', out], {
      ...p12Env,
      PARAPHE_TSA_URLS: `http://127.0.0.1:9/,${localTsaUrl}`,
      PARAPHE_SEAL_LEVEL: 'B-T',
    });
    assert.equal(sealed.status, 0, sealed.stderr);
    const verified = runParaphe(['verify', out, '--trust', root, '--json'], devEnv);
    assert.equal(verified.status, 0, verified.stdout);
    const report = JSON.parse(verified.stdout) as {
      signatures: { pades: { level: string }; timestamp: { isValid: boolean; isTrusted: boolean } }[];
    };
    assert.equal(report.signatures[0]?.pades.level, 'B-T');
    assert.equal(report.signatures[0]?.timestamp.isValid, true);
    assert.equal(report.signatures[0]?.timestamp.isTrusted, true);
    const independent = spawnSync(path.join(pdfValidateDir, 'validate-pdf.sh'), [out, '--trust', root], {
      encoding: 'utf8',
    });
    assert.equal(independent.status, 0, independent.stdout);
    assert.match(independent.stdout, /B-T\s+OK/);
  });

  it('seals through a PKCS#11 token (SoftHSM2), and the independent checker accepts it', () => {
    const hsmEnv = {
      ...devEnv,
      ...createSoftHsmToken(path.join(work, 'hsm'), '1234'),
      PARAPHE_SEAL_PKCS11_MODULE: softhsmModule,
      PARAPHE_SEAL_PKCS11_TOKEN_LABEL: 'paraphe-test',
      PARAPHE_SEAL_PKCS11_PIN: '1234',
      PARAPHE_SEAL_PKCS11_KEY_LABEL: 'seal-rsa',
      PARAPHE_SEAL_CHAIN: path.join(testPkiDir, 'chain.pem'),
    };
    const out = path.join(work, 'hsm.pdf');
    const sealed = runParaphe(['seal', input, '-o', out], hsmEnv);
    assert.equal(sealed.status, 0, sealed.stderr);
    assert.match(sealed.stdout, /ACME Corp GmbH e-Seal/);
    const independent = spawnSync(path.join(pdfValidateDir, 'validate-pdf.sh'), [out, '--trust', root], {
      encoding: 'utf8',
    });
    assert.equal(independent.status, 0, independent.stdout);
  });

  it('exits 1 and says INVALID for a tampered file', () => {
    const verified = runParaphe(['verify', path.join(refsDir, 'e-tampered.pdf'), '--trust', root], devEnv);
    assert.equal(verified.status, 1);
    assert.match(verified.stdout, /digest NO[\s\S]*VERDICT: INVALID/);
  });

  it('refuses a wrong passphrase clearly, without printing it or writing a file', () => {
    const out = path.join(work, 'never.pdf');
    const sealed = runParaphe(['seal', input, '-o', out], {
      ...p12Env,
      PARAPHE_SEAL_P12_PASSPHRASE: 'wrong-secret',
    });
    assert.equal(sealed.status, 1);
    assert.match(sealed.stderr, /SEAL_KEY_PASSPHRASE_WRONG/);
    assert.doesNotMatch(sealed.stderr + sealed.stdout, /wrong-secret/);
    assert.equal(existsSync(out), false);
  });
});
