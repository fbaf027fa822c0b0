import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type LoopbackGateway, startLoopbackGateway } from '../../../test/support/sms.js';
import { manualClock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { ovhSmsSender } from './ovh.js';

const keys = {
  applicationKey: 'ovh-app-key',
  applicationSecret: 'ovh-app-secret',
  consumerKey: 'ovh-consumer-key',
  serviceName: 'sms-ab12345-1',
};

async function sendError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('send resolved');
}

describe('ovhSmsSender against a loopback OVHcloud API', () => {
  let gateway: LoopbackGateway;
  // The API's clock is 42 s ahead of ours: requests must be stamped with the API's time.
  const clock = manualClock('2026-11-26T09:00:00Z');
  const apiTime = Math.floor(clock.now().getTime() / 1000) + 42;
  before(async () => {
    gateway = await startLoopbackGateway();
    gateway.answerPath('/auth/time', { status: 200, body: String(apiTime) });
  });
  after(() => gateway.close());

  const sender = () => ovhSmsSender({ ...keys, endpoint: `${gateway.url}/1.0`, timeoutMs: 5000, clock });
  const sms = { toNumber: '+33612345678', senderId: 'Paraphe', body: '123456 est votre code' };

  it('posts the job with the documented headers and signature, and returns the job id', async () => {
    gateway.answer({
      status: 200,
      body: {
        totalCreditsRemoved: 1,
        invalidReceivers: [],
        ids: [123456789],
        validReceivers: ['+33612345678'],
        tag: '',
      },
    });
    const before = gateway.requests.length;
    const result = await sender().send(sms);
    assert.equal(result.providerMessageId, '123456789');
    const request = gateway.requests[before];
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/1.0/sms/${keys.serviceName}/jobs`);
    assert.equal(request.headers['x-ovh-application'], keys.applicationKey);
    assert.equal(request.headers['x-ovh-consumer'], keys.consumerKey);
    assert.equal(request.headers['x-ovh-timestamp'], String(apiTime));
    assert.match(String(request.headers['content-type']), /^application\/json/);
    const expected = `$1$${createHash('sha1')
      .update(
        [
          keys.applicationSecret,
          keys.consumerKey,
          'POST',
          `${gateway.url}/1.0/sms/${keys.serviceName}/jobs`,
          request.body,
          String(apiTime),
        ].join('+'),
      )
      .digest('hex')}`;
    assert.equal(request.headers['x-ovh-signature'], expected);
    const body = JSON.parse(request.body) as Record<string, unknown>;
    assert.deepEqual(body.receivers, ['+33612345678']);
    assert.equal(body.message, '123456 est votre code');
    assert.equal(body.sender, 'Paraphe');
    assert.equal(body.noStopClause, true);
    assert.equal(body.senderForResponse, false);
    assert.equal(body.validityPeriod, undefined);
  });

  it('asks the network to stop trying once the code has expired', async () => {
    gateway.answer({
      status: 200,
      body: { totalCreditsRemoved: 1, invalidReceivers: [], ids: [7], validReceivers: [] },
    });
    const before = gateway.requests.length;
    await sender().send({ ...sms, validUntil: new Date(clock.now().getTime() + 9.5 * 60_000) });
    const body = JSON.parse(gateway.requests[before]?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.validityPeriod, 10);
  });

  it('reports a receiver the API lists as invalid as a number refusal', async () => {
    gateway.answer({
      status: 200,
      body: { totalCreditsRemoved: 0, invalidReceivers: ['+33612345678'], ids: [], validReceivers: [] },
    });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_NUMBER_REJECTED');
  });

  it('reports an empty credit balance as a permanent provider failure', async () => {
    gateway.answer({ status: 403, body: { message: 'Not enough credits' } });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_PROVIDER_FAILED');
    assert.equal(error.details.reason, 'no_credit');
  });

  it('reports a refused signature or ungranted call as an authentication failure', async () => {
    gateway.answer({
      status: 403,
      body: { errorCode: 'INVALID_SIGNATURE', httpCode: '400 Bad Request', message: 'Invalid signature' },
    });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_PROVIDER_FAILED');
    assert.equal(error.details.reason, 'auth');
  });

  it('reports 429 and 5xx as transient', async () => {
    gateway.answer({ status: 429, body: { message: 'Too many requests' } });
    assert.equal((await sendError(sender().send(sms))).code, 'SMS_PROVIDER_UNAVAILABLE');
    gateway.answer({ status: 500, body: { message: 'Internal server error' } });
    assert.equal((await sendError(sender().send(sms))).code, 'SMS_PROVIDER_UNAVAILABLE');
  });

  it('refuses to start without its four settings', () => {
    assert.throws(
      () => ovhSmsSender({ ...keys, consumerKey: undefined, endpoint: gateway.url, timeoutMs: 1000, clock }),
      (e: unknown) => e instanceof AppError && e.code === 'CONFIG_INVALID',
    );
  });
});
