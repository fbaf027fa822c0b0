import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { listSignatureContents } from '../pdf/ltv/index.js';

const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cli-ltv-'));
const root = path.join(testPkiDir, 'root.pem');
const env = { ...p12SealEnv(path.join(work, 'data')), PARAPHE_TSA_URLS: localTsaUrl };

function pyhankoLtv(file: string) {
  const result = spawnSync(path.join(pdfValidateDir, 'pyhanko-ltv-offline.sh'), [file, '--trust', root], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
}

before(async () => ensureLocalPkiServices());
after(() => rmSync(work, { recursive: true, force: true }));

describe('paraphe seal at B-LT, then paraphe ltv extend', () => {
  const sealed = path.join(work, 'sealed.pdf');
  const lta = path.join(work, 'sealed-lta.pdf');

  it('seals at B-LT by default when a TSA is configured', () => {
    const result = runParaphe(['seal', path.join(refsDir, 'input.pdf'), '-o', sealed], env);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /PAdES B-LT\b/);
    const verified = runParaphe(['verify', sealed, '--trust', root, '--json'], env);
    const report = JSON.parse(verified.stdout) as { signatures: { pades: { level: string } }[] };
    assert.equal(report.signatures[0]?.pades.level, 'B-LT');
  });

  it('adds a document timestamp (--out), then extends the B-LTA file again in place', async () => {
    const extended = runParaphe(['ltv', 'extend', sealed, '--out', lta], env);
    assert.equal(extended.status, 0, extended.stderr);
    pyhankoLtv(lta);
    const before = readFileSync(lta);
    const again = runParaphe(['ltv', 'extend', lta], env);
    assert.equal(again.status, 0, again.stderr);
    const after = readFileSync(lta);
    assert.equal(Buffer.compare(after.subarray(0, before.length), before), 0);
    assert.deepEqual(
      (await listSignatureContents(after)).map((s) => s.kind),
      ['signature', 'document-timestamp', 'document-timestamp'],
    );
    pyhankoLtv(lta);
  });

  it('refuses to extend without a timestamp authority (configuration exit code)', () => {
    const result = runParaphe(['ltv', 'extend', sealed, '--out', path.join(work, 'x.pdf')], {
      ...env,
      PARAPHE_TSA_URLS: '',
    });
    assert.equal(result.status, 78, result.stderr);
    assert.match(result.stderr, /PARAPHE_TSA_URLS/);
  });
});
