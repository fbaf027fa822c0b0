import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb } from '../../test/support/db.js';
import { latestDevCode, testSmsSettings } from '../../test/support/sms.js';
import { listAuditEvents } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { manualClock } from '../shared/clock.js';
import { sequenceIds } from '../shared/ids.js';
import { checkCode } from './check-code.js';
import type { SmsDeps } from './deps.js';
import { devSmsSender } from './dev-outbox.js';
import { findPhoneConfirmation } from './find-phone-confirmation.js';
import { getCodeStatus } from './get-code-status.js';
import { requestCode } from './request-code.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('checkCode', () => {
  let db: Db;
  let deps: SmsDeps;
  const clock = manualClock('2026-11-26T09:00:00Z');
  const ids = sequenceIds(5000);
  let n = 0;

  /** A signer with a code just sent to a number of their own; returns the code read from the outbox. */
  async function signerWithCode() {
    n += 1;
    const hex = n.toString(16).padStart(12, '0');
    const who = {
      signerId: `11111111-1111-4111-8111-${hex}`,
      envelopeId: `22222222-2222-4222-8222-${hex}`,
      accountId: `33333333-3333-4333-8333-${hex}`,
    };
    const phone = `+336${String(10000000 + n).slice(-8)}`;
    const result = await requestCode(deps, { ...who, phone, locale: 'fr' });
    assert.equal(result.status, 'sent');
    const code = await latestDevCode(db, phone);
    const wrong = code === '000000' ? '000001' : '000000';
    return { ...who, phone, code, wrong };
  }

  before(async () => {
    db = await freshDb();
    const settings = testSmsSettings();
    deps = {
      db,
      clock,
      ids,
      sender: devSmsSender({ db, clock, ids }),
      settings,
      secret: settings.otpSecret ?? '',
    };
  });
  after(() => db.close());

  it('confirms the right code with the number and the time, once', async () => {
    const s = await signerWithCode();
    clock.advance(20 * SECOND);
    const result = await checkCode(deps, {
      signerId: s.signerId,
      code: ` ${s.code.slice(0, 3)} ${s.code.slice(3)} `,
    });
    assert.equal(result.status, 'confirmed');
    assert.ok(result.status === 'confirmed');
    assert.equal(result.phoneE164, s.phone);
    assert.equal(result.envelopeId, s.envelopeId);
    assert.equal(result.confirmedAt.toISOString(), clock.now().toISOString());
    const again = await checkCode(deps, { signerId: s.signerId, code: s.code });
    assert.equal(again.status === 'refused' && again.reason, 'no_code');
    const confirmation = await findPhoneConfirmation(db, {
      signerId: s.signerId,
      notBefore: new Date(clock.now().getTime() - MINUTE),
    });
    assert.equal(confirmation?.phoneE164, s.phone);
    const later = await findPhoneConfirmation(db, {
      signerId: s.signerId,
      notBefore: new Date(clock.now().getTime() + 1),
    });
    assert.equal(later, null);
  });

  it('refuses a wrong code and says how many attempts are left', async () => {
    const s = await signerWithCode();
    const result = await checkCode(deps, { signerId: s.signerId, code: s.wrong });
    assert.ok(result.status === 'refused' && result.reason === 'wrong_code');
    assert.equal(result.attemptsLeft, 4);
    assert.deepEqual(result.params, { attemptsLeft: 4 });
  });

  it('does not spend an attempt on something that is not six digits', async () => {
    const s = await signerWithCode();
    const result = await checkCode(deps, { signerId: s.signerId, code: '12a' });
    assert.ok(result.status === 'refused' && result.reason === 'wrong_code');
    assert.equal(result.attemptsLeft, 5);
  });

  it('locks the code after 5 wrong attempts, even against the right code afterwards', async () => {
    const s = await signerWithCode();
    const reasons: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await checkCode(deps, { signerId: s.signerId, code: s.wrong });
      reasons.push(r.status === 'refused' ? r.reason : r.status);
    }
    assert.deepEqual(reasons, ['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'too_many_attempts']);
    const right = await checkCode(deps, { signerId: s.signerId, code: s.code });
    assert.equal(right.status === 'refused' && right.reason, 'too_many_attempts');
    // A new code starts afresh.
    clock.advance(30 * SECOND);
    await requestCode(deps, { ...s, locale: 'fr' });
    const fresh = await latestDevCode(db, s.phone);
    assert.equal((await checkCode(deps, { signerId: s.signerId, code: fresh })).status, 'confirmed');
  });

  it('accepts the right code on the fifth attempt', async () => {
    const s = await signerWithCode();
    for (let i = 0; i < 4; i += 1) await checkCode(deps, { signerId: s.signerId, code: s.wrong });
    assert.equal((await checkCode(deps, { signerId: s.signerId, code: s.code })).status, 'confirmed');
  });

  it('refuses a code after its 10 minutes, and accepts it just before', async () => {
    const s = await signerWithCode();
    const t = await signerWithCode();
    clock.advance(10 * MINUTE - SECOND);
    assert.equal((await checkCode(deps, { signerId: t.signerId, code: t.code })).status, 'confirmed');
    clock.advance(SECOND);
    const late = await checkCode(deps, { signerId: s.signerId, code: s.code });
    assert.equal(late.status === 'refused' && late.reason, 'expired');
    assert.equal(late.status === 'refused' && late.code, 'OTP_EXPIRED');
    assert.equal((await getCodeStatus(deps, { signerId: s.signerId }))?.challengeStatus, 'expired');
  });

  it('says there is no code when none was asked for', async () => {
    const result = await checkCode(deps, {
      signerId: '11111111-1111-4111-8111-ffffffffffff',
      code: '123456',
    });
    assert.equal(result.status === 'refused' && result.reason, 'no_code');
  });

  it('refuses the code of a replaced challenge', async () => {
    const s = await signerWithCode();
    clock.advance(30 * SECOND);
    await requestCode(deps, { ...s, locale: 'fr' });
    const current = await latestDevCode(db, s.phone);
    if (current !== s.code) {
      const old = await checkCode(deps, { signerId: s.signerId, code: s.code });
      assert.equal(old.status === 'refused' && old.reason, 'wrong_code');
    }
    assert.equal((await checkCode(deps, { signerId: s.signerId, code: current })).status, 'confirmed');
  });

  it('never counts more than 5 attempts under parallel guessing', async () => {
    const s = await signerWithCode();
    const guesses = Array.from({ length: 12 }, (_, i) => String(i).padStart(6, '0')).filter(
      (g) => g !== s.code,
    );
    const results = await Promise.all(guesses.map((code) => checkCode(deps, { signerId: s.signerId, code })));
    const wrong = results.filter((r) => r.status === 'refused' && r.reason === 'wrong_code').length;
    const locked = results.filter((r) => r.status === 'refused' && r.reason === 'too_many_attempts').length;
    assert.equal(wrong, 4);
    assert.equal(locked, guesses.length - 4);
    const { rows } = await db.query<{ attempts: number; status: string }>(
      'SELECT attempts, status FROM otp_challenges WHERE signer_id = $1',
      [s.signerId],
    );
    assert.deepEqual(rows[0], { attempts: 5, status: 'locked' });
  });

  it('leaves an audit trail of wrong attempts, lock-out and confirmation, with the confirmed number', async () => {
    const s = await signerWithCode();
    await checkCode(deps, { signerId: s.signerId, code: s.wrong, ip: '198.51.100.7', userAgent: 'Phone' });
    await checkCode(deps, { signerId: s.signerId, code: s.code, ip: '198.51.100.7', userAgent: 'Phone' });
    const events = await listAuditEvents(db, s.envelopeId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['sms.code.requested', 'sms.code.sent', 'sms.code.wrong', 'sms.code.confirmed'],
    );
    const confirmed = events[3];
    assert.equal(confirmed?.data.phone, s.phone);
    assert.equal(confirmed?.ip, '198.51.100.7');
    assert.ok(!JSON.stringify(events).includes(s.code));
  });
});
