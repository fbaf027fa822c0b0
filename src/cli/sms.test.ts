import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnParaphe } from '../../test/support/cli.js';
import { type LoopbackGateway, startLoopbackGateway } from '../../test/support/sms.js';

async function paraphe(args: string[], env: NodeJS.ProcessEnv) {
  const run = spawnParaphe(args, env);
  const status = await run.exited;
  return { status, ...run.output() };
}

describe('paraphe sms', () => {
  let dataDir: string;
  let gateway: LoopbackGateway;
  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-sms-cli-'));
    gateway = await startLoopbackGateway();
  });
  after(async () => {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    PARAPHE_DATA_DIR: path.join(dataDir, 'data'),
    PARAPHE_LOG_LEVEL: 'silent',
    ...extra,
  });

  it('sends a test SMS to the dev outbox and lists it', async () => {
    const sent = await paraphe(['sms', 'test', '06 12 34 56 78'], env());
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /sent to \+33612345678 through dev/);
    const listed = await paraphe(['sms', 'list'], env());
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /\+33 6 •• •• •• 78\s+test\s+dev\s+sent\s+1\/1/);
  });

  it('sends through Twilio when configured, and reports its refusal with a failing exit code', async () => {
    const twilio = env({
      PARAPHE_SMS_PROVIDER: 'twilio',
      PARAPHE_TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      PARAPHE_TWILIO_AUTH_TOKEN: 'token',
      PARAPHE_TWILIO_BASE_URL: gateway.url,
      PARAPHE_SMS_SENDER_ID: 'Notaire',
    });
    gateway.answer({ status: 201, body: { sid: 'SMcli', status: 'queued' } });
    const sent = await paraphe(['sms', 'test', '+33612345678', '--locale', 'en'], twilio);
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /provider message id SMcli/);
    const form = new URLSearchParams(gateway.requests.at(-1)?.body);
    assert.equal(form.get('From'), 'Notaire');
    assert.match(form.get('Body') ?? '', /^Test message from Paraphe/);

    gateway.answer({ status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } });
    const refused = await paraphe(['sms', 'test', '+33612345678'], twilio);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /not sent to \+33612345678 \(auth\)/);
  });

  it('refuses to run Twilio without credentials, as a configuration error', async () => {
    const run = await paraphe(['sms', 'test', '0612345678'], env({ PARAPHE_SMS_PROVIDER: 'twilio' }));
    assert.equal(run.status, 78);
    assert.match(run.stderr, /PARAPHE_TWILIO_ACCOUNT_SID/);
  });

  it('refuses a landline with a clear message', async () => {
    const run = await paraphe(['sms', 'test', '01 23 45 67 89'], env());
    assert.equal(run.status, 1);
    assert.match(run.stderr, /PHONE_LANDLINE/);
  });
});
