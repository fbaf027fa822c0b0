import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type LoopbackGateway, startLoopbackGateway } from '../../../test/support/sms.js';
import { AppError } from '../../shared/errors.js';
import { twilioSignature, twilioSmsSender, verifyTwilioSignature } from './twilio.js';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-auth-token';

async function sendError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('send resolved');
}

describe('twilioSmsSender against a loopback Twilio', () => {
  let gateway: LoopbackGateway;
  before(async () => {
    gateway = await startLoopbackGateway();
  });
  after(() => gateway.close());

  const sender = () =>
    twilioSmsSender({
      accountSid,
      authToken,
      messagingServiceSid: undefined,
      baseUrl: gateway.url,
      statusCallbackUrl: 'https://sign.example.fr/webhooks/sms/twilio',
      timeoutMs: 5000,
    });
  const sms = { toNumber: '+33612345678', senderId: 'Paraphe', body: '123456 est votre code' };

  it('posts the documented form with basic auth and returns the message sid', async () => {
    gateway.answer({
      status: 201,
      body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', to: '+33612345678' },
    });
    const before = gateway.requests.length;
    const result = await sender().send(sms);
    assert.equal(result.providerMessageId, 'SM0123456789abcdef0123456789abcdef');
    const request = gateway.requests[before];
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/2010-04-01/Accounts/${accountSid}/Messages.json`);
    assert.equal(
      request.headers.authorization,
      `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    );
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(request.body));
    assert.deepEqual(form, {
      To: '+33612345678',
      Body: '123456 est votre code',
      From: 'Paraphe',
      StatusCallback: 'https://sign.example.fr/webhooks/sms/twilio',
    });
  });

  it('sends through the messaging service instead of From when one is configured', async () => {
    gateway.answer({ status: 201, body: { sid: 'SMaaa', status: 'accepted' } });
    const before = gateway.requests.length;
    await twilioSmsSender({
      accountSid,
      authToken,
      messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
      baseUrl: gateway.url,
      statusCallbackUrl: null,
      timeoutMs: 5000,
    }).send(sms);
    const form = Object.fromEntries(new URLSearchParams(gateway.requests[before]?.body));
    assert.equal(form.MessagingServiceSid, 'MG0123456789abcdef0123456789abcdef');
    assert.equal(form.From, undefined);
    assert.equal(form.StatusCallback, undefined);
  });

  it('reports an invalid number (21211) as a permanent number refusal', async () => {
    gateway.answer({
      status: 400,
      body: {
        code: 21211,
        message: "The 'To' number +33612345678 is not a valid phone number.",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      },
    });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_NUMBER_REJECTED');
    assert.equal(error.details.providerCode, '21211');
  });

  it('reports a landline (21614) as a number refusal', async () => {
    gateway.answer({
      status: 400,
      body: { code: 21614, message: "'To' number is not a valid mobile number", status: 400 },
    });
    assert.equal((await sendError(sender().send(sms))).code, 'SMS_NUMBER_REJECTED');
  });

  it('reports a suspended account (no credit) as a permanent provider failure', async () => {
    gateway.answer({ status: 401, body: { code: 20005, message: 'Account not active', status: 401 } });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_PROVIDER_FAILED');
    assert.equal(error.details.reason, 'no_credit');
  });

  it('reports bad credentials as a permanent provider failure', async () => {
    gateway.answer({ status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_PROVIDER_FAILED');
    assert.equal(error.details.reason, 'auth');
  });

  it('reports 429 and 5xx as transient', async () => {
    gateway.answer({ status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    assert.equal((await sendError(sender().send(sms))).code, 'SMS_PROVIDER_UNAVAILABLE');
    gateway.answer({ status: 503, body: '<html>Service Unavailable</html>' });
    const error = await sendError(sender().send(sms));
    assert.equal(error.code, 'SMS_PROVIDER_UNAVAILABLE');
    assert.equal(error.details.httpStatus, 503);
  });

  it('reports an unreachable gateway as transient', async () => {
    const down = twilioSmsSender({
      accountSid,
      authToken,
      messagingServiceSid: undefined,
      baseUrl: 'http://127.0.0.1:9',
      statusCallbackUrl: null,
      timeoutMs: 2000,
    });
    assert.equal((await sendError(down.send(sms))).code, 'SMS_PROVIDER_UNAVAILABLE');
  });

  it('refuses to start without credentials', () => {
    assert.throws(
      () =>
        twilioSmsSender({
          accountSid: undefined,
          authToken,
          messagingServiceSid: undefined,
          baseUrl: gateway.url,
          statusCallbackUrl: null,
          timeoutMs: 1000,
        }),
      (e: unknown) => e instanceof AppError && e.code === 'CONFIG_INVALID',
    );
  });
});

describe('Twilio webhook signatures', () => {
  // The example of Twilio's security documentation.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };

  it('computes the documented signature', () => {
    assert.equal(twilioSignature({ authToken: '12345', url, params }), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('accepts the right signature and refuses a wrong, missing or replayed-elsewhere one', () => {
    const signature = twilioSignature({ authToken: '12345', url, params });
    assert.equal(verifyTwilioSignature({ authToken: '12345', url, params, signature }), true);
    assert.equal(verifyTwilioSignature({ authToken: 'other', url, params, signature }), false);
    assert.equal(verifyTwilioSignature({ authToken: '12345', url, params, signature: undefined }), false);
    assert.equal(
      verifyTwilioSignature({ authToken: '12345', url, params: { ...params, Digits: '9999' }, signature }),
      false,
    );
    assert.equal(
      verifyTwilioSignature({ authToken: '12345', url: 'https://evil.example/x', params, signature }),
      false,
    );
  });
});
