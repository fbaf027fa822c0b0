import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../shared/errors.js';
import { loadConfig } from './index.js';

describe('configuration', () => {
  it('runs on embedded defaults with no variable set', () => {
    const config = loadConfig({}, '/srv/paraphe');
    assert.equal(config.dataDir, '/srv/paraphe/data');
    assert.equal(config.isEmbedded, true);
    assert.equal(config.isDev, true, 'dev pages are on by default in embedded mode');
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.mail.lmtpPort, 10025);
    assert.equal(config.mail.smtpPort, 2525);
    assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.mail.relayUrl, undefined);
    assert.deepEqual(config.roles, ['mail', 'web', 'worker']);
  });

  it('turns dev pages off by default on a Postgres server, and keeps an explicit choice', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/paraphe' }).isDev, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db/paraphe', PARAPHE_DEV: '1' }).isDev, true);
    assert.equal(loadConfig({ PARAPHE_DEV: 'false' }).isDev, false);
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ PARAPHE_HTTP_PORT: '' }).http.port, 8080);
  });

  it('lists every problem at once, each named by its variable', () => {
    let caught: unknown;
    try {
      loadConfig({
        PARAPHE_HTTP_PORT: 'eighty',
        PARAPHE_PUBLIC_URL: 'not a url',
        DATABASE_URL: 'mysql://x',
        PARAPHE_DEV: 'maybe',
      });
    } catch (error) {
      caught = error;
    }
    assert.ok(isAppError(caught, 'CONFIG_INVALID'));
    for (const name of ['PARAPHE_HTTP_PORT', 'PARAPHE_PUBLIC_URL', 'DATABASE_URL', 'PARAPHE_DEV'])
      assert.match(caught.message, new RegExp(name));
  });

  it('rejects an unknown role', () => {
    assert.throws(() => loadConfig({ PARAPHE_ROLES: 'web,printer' }), /printer/);
  });

  it('seals at B-LT when a timestamp authority and a real key are configured, else B-T or B-B, and refuses a level it cannot reach', () => {
    assert.equal(loadConfig({}).seal.level, 'B-B');
    const tsa = { PARAPHE_TSA_URLS: 'http://tsa.example/tsr' };
    assert.equal(loadConfig({ ...tsa, PARAPHE_SEAL_P12: 'seal.p12' }).seal.level, 'B-LT');
    assert.equal(loadConfig({ ...tsa, PARAPHE_SEAL_PKCS11_MODULE: '/usr/lib/p11.so' }).seal.level, 'B-LT');
    // The generated dev key has no revocation service to ask.
    assert.equal(loadConfig(tsa).seal.level, 'B-T');
    assert.equal(
      loadConfig({ PARAPHE_TSA_URLS: 'http://tsa.example/tsr', PARAPHE_SEAL_LEVEL: 'B-LTA' }).seal.level,
      'B-LTA',
    );
    assert.throws(() => loadConfig({ PARAPHE_SEAL_LEVEL: 'B-LT' }), /PARAPHE_SEAL_LEVEL.*PARAPHE_TSA_URLS/);
    assert.throws(() => loadConfig({ PARAPHE_SEAL_LEVEL: 'B-X' }), /PARAPHE_SEAL_LEVEL/);
  });
});
