import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCliInProcess } from '../../test/support/cli.js';
import { refsDir, testPkiDir } from '../../test/support/pdf-validate.js';

const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cli-verify-'));
after(() => rmSync(work, { recursive: true, force: true }));
const sealedByTestPki = path.join(refsDir, 'a-certify-p1-BB.pdf');
const root = path.join(testPkiDir, 'root.pem');

describe('paraphe verify says where trust came from', () => {
  it('with --trust, reads no configuration: no data dir, even a broken environment', async () => {
    const dataDir = path.join(work, 'absent');
    const run = await runCliInProcess(['verify', sealedByTestPki, '--trust', root, '--offline'], {
      PARAPHE_DATA_DIR: dataDir,
      PARAPHE_DEV: 'perhaps',
    });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, new RegExp(`^Trust anchors: ${root} \\(--trust\\)$`, 'm'));
    assert.match(run.stdout, /trusted: {6}yes \(/);
    assert.match(run.stdout, /^VERDICT: VALID$/m);
    assert.equal(existsSync(dataDir), false);
  });

  it('without --trust, uses PARAPHE_VERIFY_TRUST and names it', async () => {
    const run = await runCliInProcess(['verify', sealedByTestPki, '--offline', '--json'], {
      PARAPHE_DATA_DIR: path.join(work, 'prod'),
      PARAPHE_DEV: '0',
      PARAPHE_VERIFY_TRUST: root,
    });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout) as { isValid: boolean; trustAnchors: unknown };
    assert.deepEqual(report.trustAnchors, { source: 'configured', files: [root], isTest: false });
  });

  it('with no anchor at all, says so and fails', async () => {
    const run = await runCliInProcess(['verify', sealedByTestPki, '--offline'], {
      PARAPHE_DATA_DIR: path.join(work, 'prod'),
      PARAPHE_DEV: '0',
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^Trust anchors: none \(give --trust ROOT\.pem or set PARAPHE_VERIFY_TRUST\)/m);
    assert.match(run.stdout, /trusted: {6}NO/);
  });

  it('in dev mode, marks a seal that chains to the dev CA as TEST, not trusted', async () => {
    const env = { PARAPHE_DATA_DIR: path.join(work, 'dev') };
    const out = path.join(work, 'dev-sealed.pdf');
    const sealed = await runCliInProcess(['seal', path.join(refsDir, 'input.pdf'), '-o', out], env);
    assert.equal(sealed.status, 0, sealed.stderr);
    const run = await runCliInProcess(['verify', out, '--offline'], env);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /^Trust anchors: the dev CA .*dev-seal\/ca\.pem \(TEST, not trusted/m);
    assert.match(run.stdout, /trusted: {6}yes — by the TEST dev CA only/);
    assert.match(run.stdout, /^VERDICT: VALID \(TEST dev CA, not trusted\)$/m);
  });
});
