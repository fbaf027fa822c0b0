import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { openSmtpSession, type SmtpClientError, type SmtpSession } from './smtp-client.js';

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

/**
 * A raw server that answers a group of commands only once it has all of it (MAIL … DATA) when it
 * offers PIPELINING, and notes every command sent before the previous one was answered when it
 * does not (each reply is held back a little so such a command would be seen).
 */
async function startScriptedServer(options: { isPipelining: boolean; refusedSender?: string }) {
  const early: string[] = [];
  const delivered: string[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let buffer = '';
    let group: string[] = [];
    let isData = false;
    let isAnswering = false;
    let isMailRefused = false;
    const answer = (line: string): string => {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO')
        return `250-scripted\r\n${options.isPipelining ? '250-PIPELINING\r\n' : ''}250 8BITMIME`;
      if (verb === 'MAIL') {
        isMailRefused = line.includes(`<${options.refusedSender}>`);
        return isMailRefused ? '550 5.7.1 sender refused' : '250 2.1.0 ok';
      }
      if (verb === 'RCPT') return isMailRefused ? '503 5.5.1 need MAIL' : '250 2.1.5 ok';
      if (verb === 'DATA') {
        isData = !isMailRefused;
        return isMailRefused ? '503 5.5.1 no valid recipients' : '354 go ahead';
      }
      return '250 2.0.0 ok';
    };
    socket.write('220 scripted ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (isData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          delivered.push(buffer.slice(0, end + 2));
          buffer = buffer.slice(end + 5);
          isData = false;
          socket.write('250 2.0.0 kept\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (!options.isPipelining) {
          if (isAnswering) early.push(line);
          isAnswering = true;
          const reply = answer(line);
          setTimeout(() => {
            isAnswering = false;
            socket.write(`${reply}\r\n`);
          }, 5);
          continue;
        }
        group.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        // A group ends with DATA (or a command that is never pipelined inside one).
        if (!['XFOR', 'MAIL', 'RCPT'].includes(verb)) {
          socket.write(group.map((l) => `${answer(l)}\r\n`).join(''));
          group = [];
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    early,
    delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMTP client pipelining', () => {
  const message = {
    from: 'a@x.test',
    to: ['b@y.test', 'c@y.test'],
    body: Buffer.from('Subject: p\r\n\r\nhi\r\n'),
  };

  it('sends the envelope as one group when the server offers PIPELINING', { timeout: 10_000 }, async () => {
    const server = await startScriptedServer({ isPipelining: true });
    const session = await openSmtpSession({ host: '127.0.0.1', port: server.port });
    try {
      const results = await session.send(message);
      assert.deepEqual(
        results.map((r) => r.isAccepted),
        [true, true],
      );
      assert.deepEqual(server.delivered, ['Subject: p\r\n\r\nhi\r\n']);
    } finally {
      await session.close();
      await server.close();
    }
  });

  it('after a refused sender in a pipelined group, reports it and keeps the session in step', {
    timeout: 10_000,
  }, async () => {
    const server = await startScriptedServer({ isPipelining: true, refusedSender: 'bad@x.test' });
    const session = await openSmtpSession({ host: '127.0.0.1', port: server.port });
    try {
      await assert.rejects(session.send({ ...message, from: 'bad@x.test' }), (error: SmtpClientError) => {
        assert.equal(error.code, 550);
        return true;
      });
      assert.equal(session.isUsable, true);
      const results = await session.send(message);
      assert.deepEqual(
        results.map((r) => [r.code, r.isAccepted]),
        [
          [250, true],
          [250, true],
        ],
      );
      assert.equal(server.delivered.length, 1);
    } finally {
      await session.close();
      await server.close();
    }
  });

  it('waits for each reply when the server does not offer PIPELINING', async () => {
    const server = await startScriptedServer({ isPipelining: false });
    const session = await openSmtpSession({ host: '127.0.0.1', port: server.port });
    try {
      const results = await session.send(message);
      assert.deepEqual(
        results.map((r) => r.isAccepted),
        [true, true],
      );
      assert.deepEqual(server.early, []);
      assert.equal(server.delivered.length, 1);
    } finally {
      await session.close();
      await server.close();
    }
  });
});
