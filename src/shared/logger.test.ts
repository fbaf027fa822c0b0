import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

describe('logger', () => {
  it('blanks secrets wherever they sit, and keeps error codes readable', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        config: {
          db: { url: 'postgres://u:hunter2@db/p' },
          sms: { twilio: { authToken: 'tw-secret' }, otpSecret: 'otp-s' },
        },
        seal: { p12: { passphrase: 'seal-pass' } },
        code: 'MAILBOX_TAKEN',
        err: { code: 'SMS_PROVIDER_FAILED' },
      },
      'test',
    );
    const line = lines.join('');
    for (const secret of ['hunter2', 'tw-secret', 'otp-s', 'seal-pass'])
      assert.ok(!line.includes(secret), secret);
    assert.match(line, /MAILBOX_TAKEN/);
    assert.match(line, /SMS_PROVIDER_FAILED/);
  });

  it('blanks the S3 secret key in the logged configuration', () => {
    const { logger, lines } = capture();
    logger.info(
      { config: { blobs: { s3: { accessKeyId: 'AKIAPUBLIC', secretAccessKey: 's3-secret' } } } },
      'x',
    );
    const line = lines.join('');
    assert.ok(!line.includes('s3-secret'));
    assert.match(line, /AKIAPUBLIC/);
  });
});
