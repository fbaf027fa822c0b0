import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { silentLogger } from '../../../test/support/logger.js';
import { startWireSmtpServer, type WireSmtpServer } from '../../../test/support/wire-smtp-server.js';
import type { Queryable } from '../../db/index.js';
import { systemClock } from '../../shared/clock.js';
import { sendSmtp } from '../outbound/index.js';
import { filterMessage, type IncomingMessage } from './filter-message.js';
import { type MailListener, startMailListener } from './listener.js';
import { type NextHop, relayNextHop } from './next-hop.js';

/** Only *SIGN messages look up the sender; these tests send none. */
const noDb: Queryable = {
  query: () => Promise.reject(new Error('no database in this test')),
  exec: () => Promise.reject(new Error('no database in this test')),
};

/** Reads CRLF-terminated reply lines off a raw socket, as an MTA would. */
function lineReader(socket: net.Socket) {
  let buffer = '';
  const lines: string[] = [];
  let wake: () => void = () => {};
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let at = buffer.indexOf('\r\n'); at !== -1; at = buffer.indexOf('\r\n')) {
      lines.push(buffer.slice(0, at));
      buffer = buffer.slice(at + 2);
    }
    wake();
  });
  socket.on('close', () => wake());
  return async function nextLine(): Promise<string> {
    while (lines.length === 0) {
      if (socket.destroyed) throw new Error('connection closed');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return lines.shift() ?? '';
  };
}

/** A whole reply (multi-line replies joined); resolves with its first line's code and the text. */
async function nextReply(nextLine: () => Promise<string>): Promise<string> {
  const parts: string[] = [];
  for (;;) {
    const line = await nextLine();
    parts.push(line);
    if (!/^\d{3}-/.test(line)) return parts.join('\n');
  }
}

describe('mail listener', () => {
  let wire: WireSmtpServer;
  let nextHop: NextHop & { close(): Promise<void> };
  let lmtp: MailListener;
  const maxBytes = 4096;
  const filtered: IncomingMessage[] = [];

  before(async () => {
    wire = await startWireSmtpServer();
    nextHop = relayNextHop(wire.url);
    lmtp = await startMailListener({
      isLmtp: true,
      host: '127.0.0.1',
      port: 0,
      allowedClients: ['127.0.0.1'],
      maxBytes,
      clock: systemClock,
      logger: silentLogger,
      filter: (message) => {
        filtered.push(message);
        return filterMessage(
          {
            db: noDb,
            clock: systemClock,
            logger: silentLogger,
            nextHop,
            handleSignRequest: () => Promise.reject(new Error('not in this test')),
            signMarker: '*SIGN',
            maxBytes,
          },
          message,
        );
      },
    });
  });
  after(async () => {
    await lmtp.close();
    await nextHop.close();
    await wire.close();
  });
  beforeEach(() => {
    wire.commands.length = 0;
    filtered.length = 0;
  });

  const body = Buffer.from('From: a@x.test\r\nSubject: hello\r\n\r\nhi\r\n');

  it('passes DSN parameters on exactly as received, UTF-8 addresses included', async () => {
    const orcpts = {
      'jörg@example.test': 'utf-8;j\\x{F6}rg@example.test',
      'zoë@example.test': 'rfc822;zo+C3+ABa+2Bb@example.test',
      'émile@example.test': 'utf-8;émile@example.test',
    };
    const results = await sendSmtp({
      host: '127.0.0.1',
      port: lmtp.port,
      isLmtp: true,
      from: 'alice@customer.test',
      to: Object.keys(orcpts),
      body,
      isSmtpUtf8: true,
      dsn: {
        ret: 'HDRS',
        envid: 'Q1+2Bx+3Dy',
        notify: { 'jörg@example.test': 'SUCCESS,DELAY' },
        orcpt: orcpts,
      },
    });
    assert.deepEqual(
      results.map((r) => r.code),
      [250, 250, 250],
    );
    const mail = wire.commands.find((c) => c.startsWith('MAIL FROM:'));
    assert.equal(mail, 'MAIL FROM:<alice@customer.test> SMTPUTF8 RET=HDRS ENVID=Q1+2Bx+3Dy');
    const rcpts = wire.commands.filter((c) => c.startsWith('RCPT TO:'));
    assert.deepEqual(rcpts, [
      'RCPT TO:<jörg@example.test> NOTIFY=SUCCESS,DELAY ORCPT=utf-8;j\\x{F6}rg@example.test',
      'RCPT TO:<zoë@example.test> ORCPT=rfc822;zo+C3+ABa+2Bb@example.test',
      'RCPT TO:<émile@example.test> ORCPT=utf-8;émile@example.test',
    ]);
  });

  it('answers once per accepted RCPT after DATA, also for addresses that differ only in case', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: lmtp.port });
    const nextLine = lineReader(socket);
    try {
      assert.match(await nextReply(nextLine), /^220 /);
      socket.write('LHLO client.test\r\n');
      assert.match(await nextReply(nextLine), /^250/);
      for (const command of ['MAIL FROM:<a@x.test>', 'RCPT TO:<Alice@y.test>', 'RCPT TO:<alice@y.test>']) {
        socket.write(`${command}\r\n`);
        assert.match(await nextReply(nextLine), /^250 /, command);
      }
      socket.write('DATA\r\n');
      assert.match(await nextReply(nextLine), /^354 /);
      // QUIT right behind the message: its 221 marks the end of the replies to DATA.
      socket.write(Buffer.concat([body, Buffer.from('.\r\nQUIT\r\n')]));
      const replies: string[] = [];
      for (let reply = await nextReply(nextLine); !reply.startsWith('221'); reply = await nextReply(nextLine))
        replies.push(reply);
      assert.deepEqual(
        replies.map((r) => r.slice(0, 3)),
        ['250', '250'],
      );
      assert.deepEqual(filtered[0]?.recipients, ['Alice@y.test', 'alice@y.test']);
    } finally {
      socket.destroy();
    }
  });

  it('refuses a message over the size limit with 552 5.3.4, declared or counted, once per recipient', async () => {
    const declared = await sendSmtp({
      host: '127.0.0.1',
      port: lmtp.port,
      isLmtp: true,
      from: 'a@x.test',
      to: ['b@y.test'],
      body,
      sizeBytes: maxBytes + 1,
    }).catch((error: { code?: number; message?: string }) => error);
    assert.ok(!Array.isArray(declared));
    assert.equal(declared.code, 552);
    assert.match(declared.message ?? '', /: 552 5\.3\.4 /);

    const big = Buffer.concat([body, Buffer.from(`${'x'.repeat(900)}\r\n`.repeat(6))]);
    const counted = await sendSmtp({
      host: '127.0.0.1',
      port: lmtp.port,
      isLmtp: true,
      from: 'a@x.test',
      to: ['b@y.test', 'c@y.test'],
      body: big,
    });
    assert.deepEqual(
      counted.map((r) => [r.code, r.message.slice(0, 5)]),
      [
        [552, '5.3.4'],
        [552, '5.3.4'],
      ],
    );
  });
});

describe('mail listener greeting', () => {
  it('greets at once, without waiting on a timer', { timeout: 5000 }, async () => {
    const listener = await startMailListener({
      isLmtp: true,
      host: '127.0.0.1',
      port: 0,
      allowedClients: ['127.0.0.1'],
      maxBytes: 1024,
      clock: systemClock,
      logger: silentLogger,
      filter: () => Promise.reject(new Error('not in this test')),
    });
    // With timers frozen, a greeting held back by a timer never comes; sockets keep working.
    mock.timers.enable({ apis: ['setTimeout'] });
    const socket = net.connect({ host: '127.0.0.1', port: listener.port });
    try {
      const nextLine = lineReader(socket);
      assert.match(await nextLine(), /^220 /);
    } finally {
      mock.timers.reset();
      socket.destroy();
      await listener.close();
    }
  });
});
