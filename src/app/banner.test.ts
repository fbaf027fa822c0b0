import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devModeLines } from './banner.js';

describe('start banner in dev mode', () => {
  const web = 'http://127.0.0.1:8080';

  it('says nothing leaves the machine only when mail and SMS both stay in the dev boxes', () => {
    const lines = devModeLines({ web, smsProvider: 'dev' });
    assert.match(lines.join('\n'), /nothing leaves this machine/);
    assert.match(lines.join('\n'), /\/dev\/mail .*\/dev\/sms/);
  });

  it('names the relay, without its credentials, when outgoing mail is really sent', () => {
    const text = devModeLines({
      web,
      relayUrl: 'smtp://user:s3cret@relay.example:587',
      smsProvider: 'dev',
    }).join('\n');
    assert.doesNotMatch(text, /nothing leaves/);
    assert.match(text, /outgoing mail: SENT through the relay relay\.example:587/);
    assert.match(text, /SMS: http:\/\/127\.0\.0\.1:8080\/dev\/sms/);
    assert.doesNotMatch(text, /s3cret|user/);
  });

  it('names the SMS provider when codes are really sent', () => {
    const text = devModeLines({ web, smsProvider: 'twilio' }).join('\n');
    assert.doesNotMatch(text, /nothing leaves/);
    assert.match(text, /outgoing mail: http:\/\/127\.0\.0\.1:8080\/dev\/mail/);
    assert.match(text, /SMS: SENT through twilio/);
  });
});
