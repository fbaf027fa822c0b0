import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { openSmtpSession, type SmtpSession } from './smtp-client.js';

async function* chunks(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

describe('SMTP client', () => {
  let sink: SmtpSink;
  let session: SmtpSession;
  before(async () => {
    sink = await startSmtpSink();
    session = await openSmtpSession({ host: '127.0.0.1', port: sink.port });
  });
  after(async () => {
    await session.close();
    await sink.close();
  });

  it('delivers lines starting with dots intact wherever the chunks are cut', async () => {
    const raw = Buffer.from('.first\r\nSubject: x\r\n\r\n.\r\n..\r\nab\n.c\r\n.\r\n', 'latin1');
    for (let cut = 0; cut <= raw.length; cut++) {
      sink.messages.length = 0;
      const results = await session.send({ from: 'a@x.test', to: ['b@y.test'], body: chunks(raw, [cut]) });
      assert.equal(results[0]?.isAccepted, true);
      assert.deepEqual(sink.messages[0]?.raw, raw, `cut at ${cut}`);
    }
  });

  it('adds the final CRLF a message lacks, and nothing else', async () => {
    sink.messages.length = 0;
    await session.send({
      from: 'a@x.test',
      to: ['b@y.test'],
      body: Buffer.from('Subject: y\r\n\r\nno newline'),
    });
    assert.equal(sink.messages[0]?.raw.toString('latin1'), 'Subject: y\r\n\r\nno newline\r\n');
  });

  it('reports each recipient the server refused, and keeps the session usable', async () => {
    sink.refuseRecipients.set('no@y.test', 550);
    try {
      const results = await session.send({
        from: 'a@x.test',
        to: ['no@y.test', 'yes@y.test'],
        body: Buffer.from('Subject: z\r\n\r\nhi\r\n'),
      });
      assert.deepEqual(
        results.map((r) => [r.address, r.isAccepted]),
        [
          ['no@y.test', false],
          ['yes@y.test', true],
        ],
      );
      assert.equal(session.isUsable, true);
    } finally {
      sink.refuseRecipients.clear();
    }
  });
});
