import net from 'node:net';
import tls from 'node:tls';
import type { DsnParams } from './types.js';

/** One reply of the next hop: code and text (continuation lines joined by newlines). */
export interface SmtpReply {
  code: number;
  message: string;
}

/** The next hop's answer for one recipient: at RCPT time, or after DATA (per recipient in LMTP). */
export interface SmtpRecipientResult extends SmtpReply {
  address: string;
  isAccepted: boolean;
}

/**
 * A failure of the whole transaction (connection, greeting, MAIL FROM, DATA). `code` is the next
 * hop's reply code, or 0 when there was no reply at all (refused, reset, timeout): a temporary
 * failure.
 */
export class SmtpClientError extends Error {
  readonly code: number;
  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmtpClientError';
    this.code = code;
  }
  get isPermanent(): boolean {
    return this.code >= 500;
  }
}

export interface SmtpSendOptions {
  host: string;
  port: number;
  /** Implicit TLS (smtps://). */
  isTls?: boolean;
  /** AUTH PLAIN credentials, from the relay URL's user info. */
  auth?: { user: string; pass: string };
  /** Speak LMTP (LHLO, one DATA reply per accepted recipient). */
  isLmtp?: boolean;
  heloName?: string;
  from: string;
  to: string[];
  /** The message exactly as it must arrive; only dot-stuffing is applied on the wire. */
  body: AsyncIterable<Uint8Array> | Uint8Array;
  /** Declared with SIZE= when known and the next hop supports it. */
  sizeBytes?: number;
  dsn?: DsnParams;
  /** 'BODY=8BITMIME' when the incoming transaction declared it. */
  is8BitMime?: boolean;
  isSmtpUtf8?: boolean;
  /** Postfix XFORWARD attributes (NAME, ADDR, PORT, PROTO, HELO, IDENT, SOURCE), sent when offered. */
  xforward?: Record<string, string>;
  timeoutMs?: number;
}

/** RFC 3461 xtext: bytes outside "!".."~" and the characters "+" and "=" are sent as +XX. */
function xtext(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((b) =>
      b < 33 || b > 126 || b === 0x2b || b === 0x3d
        ? `+${b.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(b),
    )
    .join('');
}

/** Reads SMTP replies (possibly multi-line) off a socket, in order. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private waiting: Array<{ resolve: (r: SmtpReply) => void; reject: (e: Error) => void }> = [];
  private ready: SmtpReply[] = [];
  private failure: Error | null = null;

  constructor(socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk.toString('latin1')));
  }

  private feed(text: string): void {
    this.buffer += text;
    let index = this.buffer.indexOf('\n');
    while (index !== -1) {
      const line = this.buffer.slice(0, index).replace(/\r$/, '');
      this.buffer = this.buffer.slice(index + 1);
      this.lines.push(line);
      if (!/^\d{3}-/.test(line)) {
        const code = Number(line.slice(0, 3));
        const message = this.lines.map((l) => l.slice(4)).join('\n');
        this.lines = [];
        this.push({ code: Number.isFinite(code) ? code : 0, message });
      }
      index = this.buffer.indexOf('\n');
    }
  }

  private push(reply: SmtpReply): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(reply);
    else this.ready.push(reply);
  }

  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  next(): Promise<SmtpReply> {
    const reply = this.ready.shift();
    if (reply) return Promise.resolve(reply);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}

const DOT = Buffer.from('.');
const LF_DOT = Buffer.from('\n.');

/**
 * Dot-stuffs `chunk` (a "." at the start of a line is doubled); returns whether the next chunk
 * starts a line. Searches with indexOf (native) rather than a byte loop: this runs on every byte
 * that passes through the filter.
 */
function dotStuff(chunk: Uint8Array, atLineStart: boolean): { out: Buffer; atLineStart: boolean } {
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const parts: Buffer[] = [];
  if (atLineStart && buf[0] === 0x2e) parts.push(DOT);
  let start = 0;
  for (let at = buf.indexOf(LF_DOT); at !== -1; at = buf.indexOf(LF_DOT, at + 1)) {
    parts.push(buf.subarray(start, at + 1), DOT);
    start = at + 1;
  }
  const out = parts.length === 0 ? buf : Buffer.concat([...parts, buf.subarray(start)]);
  return { out, atLineStart: buf[buf.length - 1] === 0x0a };
}

function write(socket: net.Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = socket.write(data, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else {
      const onDrain = () => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        reject(new SmtpClientError(0, 'connection closed while sending'));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    }
  });
}

/** Where and how to connect; the transaction fields of SmtpSendOptions are per message. */
export type SmtpConnectOptions = Pick<
  SmtpSendOptions,
  'host' | 'port' | 'isTls' | 'auth' | 'isLmtp' | 'heloName' | 'timeoutMs'
>;

/** One message of a session: envelope, body and parameters. */
export type SmtpTransaction = Pick<
  SmtpSendOptions,
  'from' | 'to' | 'body' | 'sizeBytes' | 'dsn' | 'is8BitMime' | 'isSmtpUtf8' | 'xforward'
>;

/** An open connection that can carry several transactions in turn (as Postfix does over LMTP). */
export interface SmtpSession {
  readonly capabilities: ReadonlySet<string>;
  /** False once the connection failed: open a new session. */
  readonly isUsable: boolean;
  send(transaction: SmtpTransaction): Promise<SmtpRecipientResult[]>;
  close(): Promise<void>;
}

function asClientError(error: unknown): SmtpClientError {
  return error instanceof SmtpClientError
    ? error
    : new SmtpClientError(0, error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Opens an SMTP or LMTP session (greeting, EHLO/LHLO, optional AUTH PLAIN). Our own client rather
 * than a library one because the bytes must arrive exactly as received: the only change on the
 * wire is dot-stuffing (undone by the receiver); line endings and 8-bit bytes are never rewritten.
 */
export async function openSmtpSession(options: SmtpConnectOptions): Promise<SmtpSession> {
  const socket = options.isTls
    ? tls.connect({ host: options.host, port: options.port, servername: options.host })
    : net.connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  const replies = new ReplyReader(socket);
  const timeoutMs = options.timeoutMs ?? 120_000;
  let isBroken = false;
  socket.setTimeout(timeoutMs, () =>
    socket.destroy(new SmtpClientError(0, `next hop silent for ${timeoutMs} ms`)),
  );
  socket.on('error', (error) => {
    isBroken = true;
    replies.fail(asClientError(error));
  });
  socket.on('close', () => {
    isBroken = true;
    replies.fail(new SmtpClientError(0, 'connection closed by the next hop'));
  });

  const expect = async (command: string | null, ok: (code: number) => boolean): Promise<SmtpReply> => {
    if (command !== null) await write(socket, `${command}\r\n`);
    const reply = await replies.next();
    if (!ok(reply.code)) {
      const name = command === null ? 'greeting' : (command.split(' ')[0] ?? command);
      throw new SmtpClientError(reply.code, `${name}: ${reply.code} ${reply.message}`);
    }
    return reply;
  };

  let capabilities: Set<string>;
  let helo: SmtpReply;
  try {
    await expect(null, (c) => c === 220);
    helo = await expect(
      `${options.isLmtp ? 'LHLO' : 'EHLO'} ${options.heloName ?? 'paraphe'}`,
      (c) => c === 250,
    );
    capabilities = new Set(helo.message.split('\n').map((l) => (l.split(' ')[0] ?? '').toUpperCase()));
    if (options.auth) {
      const token = Buffer.from(`\0${options.auth.user}\0${options.auth.pass}`, 'utf8').toString('base64');
      await expect(`AUTH PLAIN ${token}`, (c) => c === 235);
    }
  } catch (error) {
    socket.destroy();
    throw asClientError(error);
  }
  const hasDsn = capabilities.has('DSN');
  const xforwardLine = helo.message.split('\n').find((l) => /^XFORWARD\b/i.test(l));
  const xforwardNames = new Set((xforwardLine ?? '').toUpperCase().split(/\s+/).slice(1));

  const isPipelining = capabilities.has('PIPELINING');

  const transact = async (tx: SmtpTransaction): Promise<SmtpRecipientResult[]> => {
    const xforwards: string[] = [];
    if (tx.xforward && xforwardNames.size > 0) {
      // Two short commands: Postfix caps the length of one XFORWARD line.
      const attrs = Object.entries(tx.xforward).filter(([name]) => xforwardNames.has(name.toUpperCase()));
      const render = (names: string[]) =>
        attrs
          .filter(([name]) => names.includes(name.toUpperCase()))
          .map(([name, value]) => `${name.toUpperCase()}=${value === '' ? '[UNAVAILABLE]' : xtext(value)}`)
          .join(' ');
      for (const part of [render(['NAME', 'ADDR', 'PORT', 'HELO']), render(['PROTO', 'IDENT', 'SOURCE'])])
        if (part) xforwards.push(`XFORWARD ${part}`);
    }
    let mail = `MAIL FROM:<${tx.from}>`;
    if (tx.sizeBytes !== undefined && capabilities.has('SIZE')) mail += ` SIZE=${tx.sizeBytes}`;
    if (tx.is8BitMime && capabilities.has('8BITMIME')) mail += ' BODY=8BITMIME';
    if (tx.isSmtpUtf8 && capabilities.has('SMTPUTF8')) mail += ' SMTPUTF8';
    if (hasDsn && tx.dsn?.ret) mail += ` RET=${tx.dsn.ret}`;
    // DSN values are kept in their wire form (xtext, or RFC 6533 utf-8-addr): sent as they came.
    if (hasDsn && tx.dsn?.envid) mail += ` ENVID=${tx.dsn.envid}`;
    const rcpts = tx.to.map((address) => {
      let rcpt = `RCPT TO:<${address}>`;
      const key = address.toLowerCase();
      const notify = tx.dsn?.notify?.[key];
      const orcpt = tx.dsn?.orcpt?.[key];
      if (hasDsn && notify) rcpt += ` NOTIFY=${notify}`;
      if (hasDsn && orcpt) rcpt += ` ORCPT=${orcpt}`;
      return rcpt;
    });
    const envelope = [...xforwards, mail, ...rcpts, 'DATA'];
    // RFC 2920: the whole envelope in one write, DATA last, the replies read in order. Each round
    // trip is a wake-up of the next hop's smtpd: one instead of four or more per message. Without
    // PIPELINING, one command per round trip, each sent only once the previous one was answered.
    if (isPipelining) await write(socket, envelope.map((line) => `${line}\r\n`).join(''));
    let sent = isPipelining ? envelope.length : 0;
    let answered = 0;
    const reply = async (): Promise<SmtpReply> => {
      if (answered === sent) await write(socket, `${envelope[sent++]}\r\n`);
      answered++;
      return replies.next();
    };
    /** Reads the replies of the commands still in flight before giving up on the transaction. */
    const fail = async (name: string, failed: SmtpReply): Promise<never> => {
      while (answered < sent) {
        answered++;
        if ((await replies.next()).code === 354) {
          // The server took DATA although the envelope failed: only closing ends that cleanly.
          isBroken = true;
          socket.destroy();
        }
      }
      throw new SmtpClientError(failed.code, `${name}: ${failed.code} ${failed.message}`);
    };

    for (let i = 0; i < xforwards.length; i++) {
      const answer = await reply();
      if (answer.code !== 250) await fail('XFORWARD', answer);
    }
    const mailReply = await reply();
    if (mailReply.code !== 250) await fail('MAIL', mailReply);

    const results: SmtpRecipientResult[] = [];
    for (const address of tx.to) {
      const answer = await reply();
      results.push({ address, ...answer, isAccepted: answer.code === 250 || answer.code === 251 });
    }
    const accepted = results.filter((r) => r.isAccepted);
    if (accepted.length === 0) {
      // A pipelined DATA is answered too (refused, as no recipient was accepted).
      if (answered < sent && (await reply()).code === 354) await expect('.', () => true);
      await expect('RSET', () => true);
      return results;
    }

    const dataReply = await reply();
    if (dataReply.code !== 354) await fail('DATA', dataReply);
    let atLineStart = true;
    // The last two bytes sent, across chunks.
    let tail = [0, 0];
    // The latest stuffed chunk waits for the next one, so the last goes out with the terminator:
    // a small message costs one write after DATA, not two.
    let held: Buffer | null = null;
    const send = async (chunk: Uint8Array) => {
      if (chunk.length === 0) return;
      const stuffed = dotStuff(chunk, atLineStart);
      atLineStart = stuffed.atLineStart;
      tail =
        chunk.length >= 2
          ? [chunk[chunk.length - 2] ?? 0, chunk[chunk.length - 1] ?? 0]
          : [tail[1] ?? 0, chunk[0] ?? 0];
      if (held) await write(socket, held);
      held = stuffed.out;
    };
    try {
      if (tx.body instanceof Uint8Array) await send(tx.body);
      else for await (const chunk of tx.body) await send(chunk);
    } catch (error) {
      // The body failed (too large, source gone): never send the final dot, so the next hop
      // keeps nothing of this message.
      socket.destroy();
      throw error;
    }
    // The terminator is CRLF "." CRLF; a message that does not end with CRLF gets one.
    const terminator = Buffer.from(tail[0] === 0x0d && tail[1] === 0x0a ? '.\r\n' : '\r\n.\r\n', 'latin1');
    await write(socket, held ? Buffer.concat([held, terminator]) : terminator);

    if (options.isLmtp) {
      for (const result of accepted) {
        const reply = await replies.next();
        Object.assign(result, reply, { isAccepted: reply.code === 250 });
      }
    } else {
      const reply = await replies.next();
      if (reply.code !== 250) throw new SmtpClientError(reply.code, `DATA: ${reply.code} ${reply.message}`);
    }
    return results;
  };

  let queue: Promise<unknown> = Promise.resolve();
  return {
    capabilities,
    get isUsable() {
      return !isBroken;
    },
    send(tx) {
      // One transaction at a time on a connection.
      const result = queue.then(async () => {
        try {
          return await transact(tx);
        } catch (error) {
          // A reply-level refusal leaves the session usable; anything else does not.
          const clientError = asClientError(error);
          if (clientError.code === 0) isBroken = true;
          else
            await expect('RSET', () => true).catch(() => {
              isBroken = true;
            });
          throw clientError;
        }
      });
      queue = result.catch(() => {});
      return result;
    },
    async close() {
      if (!isBroken) await write(socket, 'QUIT\r\n').catch(() => {});
      socket.end();
      socket.destroy();
    },
  };
}

/**
 * Sends one message over SMTP or LMTP on its own connection, streaming the body. Resolves with one
 * result per recipient (only once the next hop took the message), rejects with SmtpClientError
 * when the transaction as a whole failed.
 */
export async function sendSmtp(options: SmtpSendOptions): Promise<SmtpRecipientResult[]> {
  const session = await openSmtpSession(options);
  try {
    return await session.send(options);
  } finally {
    await session.close();
  }
}
