import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../shared/errors.js';
import {
  hashOtpCode,
  loadOrCreateSecret,
  openSmsBody,
  otpCodeMatches,
  randomOtpCode,
  resolveOtpSecret,
  sealSmsBody,
} from './otp-crypto.js';

const secret = 'a-server-secret-of-at-least-32-characters';

describe('one-time code crypto', () => {
  it('draws six-digit codes, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, randomOtpCode);
    assert.ok(codes.every((c) => /^\d{6}$/.test(c)));
    // 2000 draws from a million values: a repeat-heavy source (Math.random seeded badly) would show.
    assert.ok(new Set(codes).size > 1990);
  });

  it('stores a keyed hash that does not contain the code and depends on secret and challenge', () => {
    const hash = hashOtpCode(secret, 'challenge-1', '123456');
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(!hash.includes('123456'));
    assert.notEqual(hash, hashOtpCode('another-secret-of-at-least-32-characters', 'challenge-1', '123456'));
    assert.notEqual(hash, hashOtpCode(secret, 'challenge-2', '123456'));
  });

  it('matches the right code only', () => {
    const storedHash = hashOtpCode(secret, 'c', '042042');
    assert.equal(otpCodeMatches({ secret, challengeId: 'c', code: '042042', storedHash }), true);
    assert.equal(otpCodeMatches({ secret, challengeId: 'c', code: '042043', storedHash }), false);
    assert.equal(otpCodeMatches({ secret, challengeId: 'c', code: '042042', storedHash: 'abcd' }), false);
  });

  it('seals a waiting SMS body so that only the secret opens it', () => {
    const sealed = sealSmsBody(secret, '123456 est votre code');
    assert.ok(!sealed.includes('123456'));
    assert.equal(openSmsBody(secret, sealed), '123456 est votre code');
    assert.throws(() => openSmsBody('another-secret-of-at-least-32-characters', sealed));
  });
});

describe('loadOrCreateSecret', () => {
  it('creates a private secret once and returns the same one afterwards', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-otp-'));
    try {
      const first = loadOrCreateSecret(path.join(dir, 'data'));
      assert.match(first, /^[0-9a-f]{64}$/);
      assert.equal(loadOrCreateSecret(path.join(dir, 'data')), first);
      const file = path.join(dir, 'data', 'otp-secret');
      assert.equal(readFileSync(file, 'utf8').trim(), first);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers the configured secret and demands one on a server database', () => {
    assert.equal(
      resolveOtpSecret({ configured: secret, dataDir: '/nonexistent', isEmbedded: false }),
      secret,
    );
    assert.throws(
      () => resolveOtpSecret({ configured: null, dataDir: '/nonexistent', isEmbedded: false }),
      (e: unknown) => isAppError(e, 'CONFIG_INVALID'),
    );
  });
});
