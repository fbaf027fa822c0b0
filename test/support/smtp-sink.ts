import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** A message as the sink received it: envelope, DSN parameters and the exact DATA bytes. */
export interface SinkMessage {
  from: string;
  to: string[];
  mailArgs: Record<string, string | true>;
  rcptArgs: Array<Record<string, string | true>>;
  raw: Buffer;
  sha256: string;
  /** smtp-server's id of the connection it came on: tells reused connections from new ones. */
  connectionId: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SinkMessage[];
  /** Replies for the next transactions: a code ≥ 400 refuses DATA, once per entry. */
  failNext: number[];
  /** Recipients refused at RCPT time with this code. */
  refuseRecipients: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on loopback standing in for Postfix's re-injection smtpd: it keeps what it
 * receives, byte for byte, with DSN advertised so the filter passes the parameters on.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const failNext: number[] = [];
  const refuseRecipients = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideDSN: false,
    disableReverseLookup: true,
    logger: false,
    size: 200 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const code = refuseRecipients.get(address.address);
      if (code)
        return callback(Object.assign(new Error(`refused ${address.address}`), { responseCode: code }));
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = failNext.shift();
        if (code && code >= 400)
          return callback(Object.assign(new Error('sink says no'), { responseCode: code }));
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom;
        messages.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          // biome-ignore lint/complexity/useOptionalChain: `from` is false or an object; ?. does not narrow false
          mailArgs: from && from.args ? from.args : {},
          rcptArgs: session.envelope.rcptTo.map((r) => (r.args ? r.args : {})),
          raw,
          sha256: createHash('sha256').update(raw).digest('hex'),
          connectionId: session.id,
        });
        callback();
      });
    },
  });
  // A client killed mid-transaction resets its connection: that is what some tests do on purpose.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext,
    refuseRecipients,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of server.connections) c.close();
      }),
  };
}
