import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { testPkiDir } from '../../test/support/pdf-validate.js';
import { isAppError } from '../shared/errors.js';
import { loadSealKey } from './load-seal-key.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-load-key-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('loadSealKey', () => {
  it('opens the configured PKCS#12 with a passphrase file', async () => {
    const passFile = path.join(dataDir, 'pass');
    writeFileSync(passFile, 'seal-pass\n');
    const key = await loadSealKey({
      settings: { p12: { path: path.join(testPkiDir, 'seal-ec.p12'), passphraseFile: passFile } },
      dataDir,
      isDev: false,
    });
    assert.equal(key.algorithm, 'ecdsa-sha256');
    assert.equal(key.isTestKey, false);
  });

  it('falls back to the dev key in dev mode only', async () => {
    const key = await loadSealKey({ settings: {}, dataDir, isDev: true });
    assert.equal(key.isTestKey, true);
    await assert.rejects(loadSealKey({ settings: {}, dataDir, isDev: false }), (error) =>
      isAppError(error, 'SEAL_KEY_NOT_CONFIGURED'),
    );
  });

  it('names a missing file without leaking the passphrase', async () => {
    await assert.rejects(
      loadSealKey({
        settings: { p12: { path: path.join(dataDir, 'missing.p12'), passphrase: 'hunter2' } },
        dataDir,
        isDev: false,
      }),
      (error) => isAppError(error, 'SEAL_KEY_UNREADABLE') && !error.message.includes('hunter2'),
    );
  });
});
