import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { freshDb } from '../../test/support/db.js';
import { silentLogger } from '../../test/support/logger.js';
import { type LoopbackGateway, startLoopbackGateway, testSmsSettings } from '../../test/support/sms.js';
import { listAuditEvents } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { createWorker, listJobs } from '../jobs/index.js';
import { manualClock } from '../shared/clock.js';
import { sequenceIds } from '../shared/ids.js';
import { checkCode } from './check-code.js';
import { deliverSms } from './deliver-sms.js';
import type { SmsDeps } from './deps.js';
import { getCodeStatus } from './get-code-status.js';
import { smsMetrics } from './metrics.js';
import { twilioSmsSender } from './providers/twilio.js';
import { requestCode } from './request-code.js';
import { smsSendJob } from './sms-send-job.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const twilioOk = (sid: string) => ({ status: 201, body: { sid, status: 'queued' } });
const twilioDown = { status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } };
const twilioBusy = { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } };

/**
 * The durable path: Twilio (a loopback server speaking its wire format) is down or refuses; the
 * request must be recorded, retried by the `sms.send` job, and its state visible at every step.
 */
describe('SMS delivery through an unreliable provider', () => {
  let db: Db;
  let gateway: LoopbackGateway;
  let deps: SmsDeps;
  const registry = new Registry();
  const clock = manualClock('2026-11-26T09:00:00Z');
  const ids = sequenceIds(9000);
  let n = 0;
  const who = () => {
    n += 1;
    const hex = n.toString(16).padStart(12, '0');
    return {
      signerId: `11111111-1111-4111-8111-${hex}`,
      envelopeId: `22222222-2222-4222-8222-${hex}`,
      accountId: `33333333-3333-4333-8333-${hex}`,
      phone: `+336${String(20000000 + n).slice(-8)}`,
      locale: 'fr' as const,
    };
  };
  const worker = () =>
    createWorker({
      db,
      clock,
      ids,
      logger: silentLogger,
      jobs: [smsSendJob(deps)],
      concurrency: 1,
      leaseSeconds: 60,
      pollMs: 50,
      stopGraceSeconds: 1,
    });
  /** Runs every job that is due, as a worker would over a few polls. */
  const drain = async () => {
    const w = worker();
    while ((await w.runOnce()) > 0) {}
  };
  const smsRow = async (messageId: string) =>
    (
      await db.query<{
        status: string;
        attempts: number;
        failure_reason: string | null;
        sealed_body: string | null;
      }>('SELECT status, attempts, failure_reason, sealed_body FROM sms_messages WHERE id = $1', [messageId])
    ).rows[0];
  const codeIn = (body: string) => body.match(/\d{6}/)?.[0] ?? '';
  const lastSentCode = () => {
    const last = gateway.requests.at(-1);
    return codeIn(new URLSearchParams(last?.body).get('Body') ?? '');
  };

  before(async () => {
    db = await freshDb();
    gateway = await startLoopbackGateway();
    const settings = testSmsSettings({ provider: 'twilio', sendMaxAttempts: 4, retryDelaySeconds: 10 });
    deps = {
      db,
      clock,
      ids,
      settings,
      secret: settings.otpSecret ?? '',
      metrics: smsMetrics(registry),
      sender: twilioSmsSender({
        accountSid: 'AC0123456789abcdef0123456789abcdef',
        authToken: 'token',
        messagingServiceSid: undefined,
        baseUrl: gateway.url,
        statusCallbackUrl: null,
        timeoutMs: 5000,
      }),
    };
  });
  after(async () => {
    await gateway.close();
    await db.close();
  });

  it('records a request the provider could not take, retries it from the job, and the code then works', async () => {
    const s = who();
    gateway.answer(twilioDown);
    const result = await requestCode(deps, s);
    assert.equal(result.status, 'pending');
    assert.ok(result.status === 'pending');
    const waiting = await smsRow(result.messageId);
    assert.equal(waiting?.status, 'queued');
    assert.equal(waiting?.failure_reason, 'unavailable');
    assert.ok(waiting?.sealed_body, 'the body is kept (sealed) for the retry');
    const status = await getCodeStatus(deps, { signerId: s.signerId });
    assert.equal(status?.sms?.status, 'queued');
    assert.equal(status?.sms?.attempts, 1);

    // The job is due 10 s later; the provider is still down, then it is back.
    const jobs = (await listJobs(db)).filter((j) => j.kind === 'sms.send');
    assert.equal(jobs.length, 1);
    clock.advance(10 * SECOND);
    gateway.answer(twilioBusy);
    await drain();
    assert.equal((await smsRow(result.messageId))?.status, 'queued');
    assert.equal((await smsRow(result.messageId))?.failure_reason, 'rate_limited');

    gateway.answer(twilioOk('SMretry'));
    clock.advance(MINUTE);
    await drain();
    const sent = await smsRow(result.messageId);
    assert.equal(sent?.status, 'sent');
    assert.equal(sent?.attempts, 3);
    assert.equal(sent?.sealed_body, null);

    assert.equal((await checkCode(deps, { signerId: s.signerId, code: lastSentCode() })).status, 'confirmed');
    const events = await listAuditEvents(db, s.envelopeId);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.reason ?? null]),
      [
        ['sms.code.requested', null],
        ['sms.code.send_failed', 'unavailable'],
        ['sms.code.send_failed', 'rate_limited'],
        ['sms.code.sent', null],
        ['sms.code.confirmed', null],
      ],
    );
    const metrics = await registry.metrics();
    assert.match(
      metrics,
      /paraphe_sms_send_failures_total\{provider="twilio",reason="unavailable",transient="true"\} 1/,
    );
    assert.match(metrics, /paraphe_sms_sent_total\{provider="twilio",purpose="otp"\} 1/);
  });

  it('gives up after the configured attempts, visibly', async () => {
    const s = who();
    gateway.answer(twilioDown);
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'pending');
    for (let i = 0; i < 5; i += 1) {
      clock.advance(2 * MINUTE);
      await drain();
    }
    const row = await smsRow(result.messageId);
    assert.equal(row?.status, 'abandoned');
    assert.equal(row?.attempts, 4);
    assert.equal(row?.sealed_body, null);
    const status = await getCodeStatus(deps, { signerId: s.signerId });
    assert.equal(status?.sms?.status, 'abandoned');
    assert.equal(status?.sms?.failureReason, 'unavailable');
    const failures = (await listAuditEvents(db, s.envelopeId)).filter(
      (e) => e.type === 'sms.code.send_failed',
    );
    assert.equal(failures.length, 4);
    assert.equal(failures.at(-1)?.data.willRetry, false);
  });

  it('does not send a code that expired while the provider was down', async () => {
    const s = who();
    gateway.answer(twilioDown);
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'pending');
    const before = gateway.requests.length;
    clock.advance(11 * MINUTE);
    gateway.answer(twilioOk('SMlate'));
    await drain();
    assert.equal(gateway.requests.length, before);
    assert.equal((await smsRow(result.messageId))?.status, 'abandoned');
    assert.equal((await smsRow(result.messageId))?.failure_reason, 'code_no_longer_valid');
  });

  it('does not retry a number the provider refuses, and tells the signer at once', async () => {
    const s = who();
    gateway.answer({
      status: 400,
      body: { code: 21614, message: "'To' number is not a valid mobile number", status: 400 },
    });
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'refused' && result.reason === 'number_rejected');
    assert.equal(result.code, 'SMS_NUMBER_REJECTED');
    const before = gateway.requests.length;
    clock.advance(MINUTE);
    await drain();
    assert.equal(gateway.requests.length, before, 'no retry');
    // The signer may type another number at once: no resend delay after a refused number.
    gateway.answer(twilioOk('SMother'));
    assert.equal((await requestCode(deps, { ...s, phone: '+33699999999' })).status, 'sent');
  });

  it('reports an empty provider account as a failure the signer cannot fix, without retrying', async () => {
    const s = who();
    gateway.answer({ status: 401, body: { code: 20005, message: 'Account not active', status: 401 } });
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'refused' && result.reason === 'provider_failed');
    assert.equal(result.code, 'SMS_PROVIDER_FAILED');
    const metrics = await registry.metrics();
    assert.match(
      metrics,
      /paraphe_sms_send_failures_total\{provider="twilio",reason="no_credit",transient="false"\} 1/,
    );
  });

  it('abandons, without sending, an SMS sealed under a secret that has since changed', async () => {
    const s = who();
    gateway.answer(twilioDown);
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'pending');
    const before = gateway.requests.length;
    gateway.answer(twilioOk('SMrotated'));
    clock.advance(10 * SECOND);
    const outcome = await deliverSms(
      { ...deps, secret: 'a-rotated-secret-of-at-least-32-characters' },
      result.messageId,
    );
    assert.equal(outcome.outcome, 'abandoned');
    assert.equal(gateway.requests.length, before);
    assert.equal((await smsRow(result.messageId))?.failure_reason, 'secret_changed');
  });

  it('sends once when several senders race for the same message', async () => {
    const s = who();
    gateway.answer(twilioDown);
    const result = await requestCode(deps, s);
    assert.ok(result.status === 'pending');
    gateway.answer(twilioOk('SMonce'));
    clock.advance(10 * SECOND);
    const before = gateway.requests.length;
    await Promise.all([deliverSms(deps, result.messageId), deliverSms(deps, result.messageId), drain()]);
    assert.equal(gateway.requests.length, before + 1);
    assert.equal((await smsRow(result.messageId))?.status, 'sent');
  });
});
