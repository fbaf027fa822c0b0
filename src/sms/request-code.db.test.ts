import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { freshDb } from '../../test/support/db.js';
import { latestDevCode, testSmsSettings } from '../../test/support/sms.js';
import { listAuditEvents } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { manualClock } from '../shared/clock.js';
import { sequenceIds } from '../shared/ids.js';
import type { SmsDeps } from './deps.js';
import { devSmsSender } from './dev-outbox.js';
import { smsMetrics } from './metrics.js';
import { requestCode } from './request-code.js';
import type { OtpLimits } from './types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('requestCode', () => {
  let db: Db;
  const clock = manualClock('2026-11-26T09:00:00Z');
  const ids = sequenceIds(1000);
  let n = 0;
  // Each test gets its own signer, envelope and account, so limits do not leak between tests.
  const fresh = () => {
    n += 1;
    const hex = n.toString(16).padStart(12, '0');
    return {
      signerId: `11111111-1111-4111-8111-${hex}`,
      envelopeId: `22222222-2222-4222-8222-${hex}`,
      accountId: `33333333-3333-4333-8333-${hex}`,
    };
  };
  const deps = (limits: Partial<OtpLimits> = {}, registry = new Registry()): SmsDeps => {
    const settings = testSmsSettings();
    return {
      db,
      clock,
      ids,
      sender: devSmsSender({ db, clock, ids }),
      settings: { ...settings, limits: { ...settings.limits, ...limits } },
      secret: settings.otpSecret ?? '',
      metrics: smsMetrics(registry),
    };
  };

  before(async () => {
    db = await freshDb();
  });
  after(() => db.close());

  it('sends a code to the dev outbox and stores only its keyed hash', async () => {
    const who = fresh();
    const result = await requestCode(deps(), {
      ...who,
      phone: '06 12 34 56 78',
      locale: 'fr',
      ip: '203.0.113.9',
    });
    assert.equal(result.status, 'sent');
    if (result.status !== 'sent') return;
    assert.equal(result.phone.e164, '+33612345678');
    assert.equal(result.phone.masked, '+33 6 •• •• •• 78');
    assert.equal(result.expiresAt.toISOString(), '2026-11-26T09:10:00.000Z');
    assert.equal(result.resendAvailableAt.toISOString(), '2026-11-26T09:00:30.000Z');
    const code = await latestDevCode(db, '+33612345678');
    const { rows } = await db.query<{ code_hash: string; phone_e164: string }>(
      'SELECT code_hash, phone_e164 FROM otp_challenges WHERE id = $1',
      [result.challengeId],
    );
    assert.equal(rows[0]?.phone_e164, '+33612345678');
    assert.ok(rows[0] && !rows[0].code_hash.includes(code));
    const message = await db.query<{ status: string; sealed_body: string | null }>(
      'SELECT status, sealed_body FROM sms_messages WHERE id = $1',
      [result.messageId],
    );
    assert.deepEqual(message.rows[0], { status: 'sent', sealed_body: null });
  });

  it('writes the request and the send as audit events, never with the code', async () => {
    const who = fresh();
    const result = await requestCode(deps(), {
      ...who,
      phone: '0612345679',
      locale: 'en',
      ip: '203.0.113.9',
      userAgent: 'UA',
    });
    assert.equal(result.status, 'sent');
    const code = await latestDevCode(db, '+33612345679');
    const events = await listAuditEvents(db, who.envelopeId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['sms.code.requested', 'sms.code.sent'],
    );
    assert.equal(events[0]?.ip, '203.0.113.9');
    assert.equal(events[0]?.userAgent, 'UA');
    assert.equal(events[0]?.signerId, who.signerId);
    assert.ok(!JSON.stringify(events).includes(code));
  });

  it('refuses a landline with its reason, sends nothing and leaves a trace', async () => {
    const who = fresh();
    const result = await requestCode(deps(), { ...who, phone: '01 23 45 67 89', locale: 'fr' });
    assert.equal(result.status, 'refused');
    assert.equal(result.status === 'refused' && result.code, 'PHONE_LANDLINE');
    const sent = await db.query('SELECT 1 FROM sms_messages WHERE signer_id = $1', [who.signerId]);
    assert.equal(sent.rowCount, 0);
    const events = await listAuditEvents(db, who.envelopeId);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.reason]),
      [['sms.code.refused', 'invalid_phone']],
    );
  });

  it('refuses a second code within 30 seconds, telling how long to wait, then accepts it', async () => {
    const who = fresh();
    const d = deps();
    assert.equal((await requestCode(d, { ...who, phone: '0612345601', locale: 'fr' })).status, 'sent');
    clock.advance(12 * SECOND);
    const early = await requestCode(d, { ...who, phone: '0612345601', locale: 'fr' });
    assert.equal(early.status, 'refused');
    assert.equal(early.status === 'refused' && early.reason, 'resend_too_soon');
    assert.equal(
      early.status === 'refused' && early.reason === 'resend_too_soon' && early.retryAfterSeconds,
      18,
    );
    assert.deepEqual(early.status === 'refused' && early.params, { seconds: 18 });
    clock.advance(18 * SECOND);
    assert.equal((await requestCode(d, { ...who, phone: '0612345601', locale: 'fr' })).status, 'sent');
  });

  it('makes the previous code useless once a new one is sent', async () => {
    const who = fresh();
    const d = deps();
    const first = await requestCode(d, { ...who, phone: '0612345602', locale: 'fr' });
    clock.advance(30 * SECOND);
    const second = await requestCode(d, { ...who, phone: '0612345602', locale: 'fr' });
    assert.ok(first.status === 'sent' && second.status === 'sent');
    const { rows } = await db.query<{ id: string; status: string }>(
      'SELECT id, status FROM otp_challenges WHERE signer_id = $1 ORDER BY created_at',
      [who.signerId],
    );
    assert.deepEqual(
      rows.map((r) => r.status),
      ['superseded', 'active'],
    );
  });

  it('allows 5 codes per signer per hour, then refuses until the oldest is an hour old', async () => {
    const who = fresh();
    const d = deps();
    const start = clock.now().getTime();
    for (let i = 0; i < 5; i += 1) {
      const result = await requestCode(d, { ...who, phone: '0612345603', locale: 'fr' });
      assert.equal(result.status, 'sent', `send ${i + 1}`);
      clock.advance(MINUTE);
    }
    const sixth = await requestCode(d, { ...who, phone: '0612345603', locale: 'fr' });
    assert.equal(sixth.status, 'refused');
    assert.ok(sixth.status === 'refused' && sixth.reason === 'limit_reached');
    assert.equal(sixth.limit, 'signer_hour');
    assert.equal(sixth.retryAfterSeconds, 55 * 60);
    assert.equal(sixth.code, 'SMS_LIMIT_REACHED');
    assert.deepEqual(sixth.params, { minutes: 55 });
    clock.set(new Date(start + 60 * MINUTE + SECOND));
    assert.equal((await requestCode(d, { ...who, phone: '0612345603', locale: 'fr' })).status, 'sent');
  });

  it('limits codes per envelope per day across its signers', async () => {
    const a = fresh();
    const b = fresh();
    const d = deps({ maxPerEnvelopePerDay: 2 });
    assert.equal((await requestCode(d, { ...a, phone: '0612345604', locale: 'fr' })).status, 'sent');
    assert.equal(
      (await requestCode(d, { ...b, envelopeId: a.envelopeId, phone: '0612345605', locale: 'fr' })).status,
      'sent',
    );
    clock.advance(MINUTE);
    const third = await requestCode(d, { ...a, phone: '0612345604', locale: 'fr' });
    assert.ok(third.status === 'refused' && third.reason === 'limit_reached');
    assert.equal(third.limit, 'envelope_day');
  });

  it('limits codes per account per hour and per day', async () => {
    const a = fresh();
    const b = fresh();
    const hourly = deps({ maxPerAccountPerHour: 1 });
    assert.equal((await requestCode(hourly, { ...a, phone: '0612345606', locale: 'fr' })).status, 'sent');
    const refused = await requestCode(hourly, {
      ...b,
      accountId: a.accountId,
      phone: '0612345607',
      locale: 'fr',
    });
    assert.ok(refused.status === 'refused' && refused.reason === 'limit_reached');
    assert.equal(refused.limit, 'account_hour');
    clock.advance(61 * MINUTE);
    const daily = deps({ maxPerAccountPerHour: 10, maxPerAccountPerDay: 1 });
    const next = await requestCode(daily, {
      ...b,
      accountId: a.accountId,
      phone: '0612345607',
      locale: 'fr',
    });
    assert.ok(next.status === 'refused' && next.reason === 'limit_reached');
    assert.equal(next.limit, 'account_day');
  });

  it('applies a global limit to everyone', async () => {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sms_messages WHERE purpose = 'otp' AND created_at > $1`,
      [new Date(clock.now().getTime() - 60 * MINUTE)],
    );
    const d = deps({ maxGlobalPerHour: (rows[0]?.n ?? 0) + 1 });
    assert.equal((await requestCode(d, { ...fresh(), phone: '0612345608', locale: 'fr' })).status, 'sent');
    const refused = await requestCode(d, { ...fresh(), phone: '0612345609', locale: 'fr' });
    assert.ok(refused.status === 'refused' && refused.reason === 'limit_reached');
    assert.equal(refused.limit, 'global_hour');
  });

  it('counts sends and refusals for /metrics', async () => {
    const registry = new Registry();
    const d = deps({}, registry);
    const who = fresh();
    await requestCode(d, { ...who, phone: '0612345610', locale: 'fr' });
    await requestCode(d, { ...who, phone: '0612345610', locale: 'fr' });
    await requestCode(d, { ...fresh(), phone: '0899 12 34 56', locale: 'fr' });
    const text = await registry.metrics();
    assert.match(text, /paraphe_sms_sent_total\{provider="dev",purpose="otp"\} 1/);
    assert.match(text, /paraphe_sms_requests_refused_total\{reason="resend_too_soon"\} 1/);
    assert.match(text, /paraphe_sms_requests_refused_total\{reason="invalid_phone"\} 1/);
  });

  it('lets only one of two simultaneous requests from a signer through', async () => {
    const who = fresh();
    const d = deps();
    const results = await Promise.all([
      requestCode(d, { ...who, phone: '0612345611', locale: 'fr' }),
      requestCode(d, { ...who, phone: '0612345611', locale: 'fr' }),
    ]);
    assert.deepEqual(results.map((r) => (r.status === 'refused' ? r.reason : r.status)).sort(), [
      'resend_too_soon',
      'sent',
    ]);
  });
});
