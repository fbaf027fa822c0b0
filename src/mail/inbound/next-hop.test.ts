import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { relayNextHop } from './next-hop.js';

const message = (n: number) => ({
  from: 'alice@customer.test',
  to: ['bob@example.test'],
  body: Buffer.from(`Subject: ${n}\r\n\r\nhello\r\n`),
});

describe('relay next hop', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => sink.close());

  it('reuses an open connection for the next message', async () => {
    const hop = relayNextHop(sink.url);
    await hop.forward(message(1));
    await hop.forward(message(2));
    await hop.close();
    const [first, second] = sink.messages.slice(-2);
    assert.equal(first?.connectionId, second?.connectionId);
  });

  it('retires a connection once it is older than maxAgeMs, so a reloaded smtpd is reached', async () => {
    let now = 0;
    const hop = relayNextHop(sink.url, { maxAgeMs: 60_000, nowMs: () => now });
    await hop.forward(message(3));
    now = 59_999;
    await hop.forward(message(4));
    now = 60_000;
    await hop.forward(message(5));
    await hop.close();
    const [m3, m4, m5] = sink.messages.slice(-3);
    assert.equal(m3?.connectionId, m4?.connectionId, 'still young: reused');
    assert.notEqual(m4?.connectionId, m5?.connectionId, 'too old: a new connection');
  });
});
