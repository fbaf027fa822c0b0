import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { createEnvelopeTap } from './envelope-tap.js';
import { type FilterResult, type IncomingMessage, type RecipientReply, tooLarge } from './filter-message.js';

export interface ListenerOptions {
  isLmtp: boolean;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Client addresses allowed to connect (IPv4 or IPv6, exact). */
  allowedClients: string[];
  maxBytes: number;
  hostname?: string | undefined;
  clock: Clock;
  logger: Logger;
  filter(message: IncomingMessage): Promise<FilterResult>;
}

export interface MailListener {
  readonly port: number;
  /** Stops accepting connections and waits for the transactions in progress to finish. */
  close(): Promise<void>;
}

function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function smtpError(reply: RecipientReply): Error & { responseCode: number } {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/**
 * smtp-server waits 100 ms before every greeting to catch "early talkers" (spam software that
 * speaks before the banner). It is not an option of the library, and it is useless here: only the
 * MTAs of PARAPHE_MAIL_ALLOWED_CLIENTS may connect. Postfix opens a connection per delivery agent
 * process, so the wait cost every cold connection 0.1 s. This is the library's connect() without it.
 */
class PromptSmtpServer extends SMTPServer {
  override connect(socket: Socket | TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new SMTPConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (error: Error) => this._onError(error));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection._setListeners(() => connection.connectionReady());
  }
}

/**
 * The SMTP or LMTP side of the filter (smtp-server). It only translates: the session becomes an
 * IncomingMessage, the filter's per-recipient replies become LMTP replies (or one SMTP reply).
 */
export async function startMailListener(options: ListenerOptions): Promise<MailListener> {
  const allowed = new Set(options.allowedClients.map(normalizeAddress));
  const inFlight = new Set<Promise<unknown>>();
  const tap = createEnvelopeTap();
  const server = new PromptSmtpServer({
    lmtp: options.isLmtp,
    name: options.hostname,
    banner: 'Paraphe mail filter',
    size: options.maxBytes,
    // The library's own size refusals carry no enhanced status code: ours (5.3.4) are made in
    // onMailFrom (declared SIZE) and by the filter (bytes counted), so it advertises SIZE bare.
    hideSize: true,
    rejectOversized: false,
    hideDSN: false,
    hide8BITMIME: false,
    hideSMTPUTF8: false,
    // Our replies carry their own enhanced status codes (4.3.0, 5.3.4…).
    hideENHANCEDSTATUSCODES: true,
    useXForward: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: tap.logger,
    // Postfix keeps LMTP connections open between deliveries; cached ones are closed at idle.
    socketTimeout: 5 * 60_000,
    closeTimeout: 60_000,
    onConnect(session, callback) {
      if (allowed.has(normalizeAddress(session.remoteAddress))) return callback();
      options.logger.warn(
        { client: session.remoteAddress },
        'mail client refused: not in PARAPHE_MAIL_ALLOWED_CLIENTS',
      );
      const error = new AppError('MAIL_CLIENT_NOT_ALLOWED', `client ${session.remoteAddress} not allowed`);
      callback(Object.assign(error, { responseCode: 554 }));
    },
    onMailFrom(_address, session, callback) {
      const declared = Number(tap.mailFrom(session).SIZE);
      if (declared > options.maxBytes) return callback(smtpError(tooLarge(options.maxBytes)));
      callback();
    },
    onRcptTo(address, session, callback) {
      tap.rcptTo(session, address.address);
      callback();
    },
    onClose(session) {
      tap.forget(session);
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      // Every accepted RCPT, duplicates included: LMTP answers each one after DATA.
      const { recipients, dsn } = tap.envelope(session);
      const fromArgs = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
      const declaredSize = fromArgs && typeof fromArgs.SIZE === 'string' ? Number(fromArgs.SIZE) : undefined;
      const queueId = session.xForward.get('IDENT');
      const xforward: Record<string, string> = {};
      for (const [name, value] of session.xForward) {
        if (!/^(NAME|ADDR|PORT|PROTO|HELO|IDENT|SOURCE)$/.test(name)) continue;
        xforward[name] = value === false || value === '[UNAVAILABLE]' ? '' : String(value);
      }
      const message: IncomingMessage = {
        mailFrom,
        recipients,
        is8BitMime: session.envelope.bodyType === '8bitmime',
        isSmtpUtf8: session.envelope.smtpUtf8 === true,
        stream,
        receivedAt: options.clock.now(),
        ...(typeof queueId === 'string' && queueId !== '[UNAVAILABLE]' ? { queueId } : {}),
        ...(dsn ? { dsn } : {}),
        ...(Object.keys(xforward).length > 0 ? { xforward } : {}),
        ...(declaredSize !== undefined && Number.isFinite(declaredSize)
          ? { declaredSizeBytes: declaredSize }
          : {}),
      };
      // LMTP: an array gets one reply per entry (a plain error would be sent once per
      // smtp-server envelope entry, which folds case-variant duplicates).
      const answer = (replies: RecipientReply[]) => {
        if (options.isLmtp) {
          callback(
            null,
            replies.map((r) => (r.code === 250 ? r.message : smtpError(r))),
          );
          return;
        }
        // One reply over SMTP: any temporary failure makes the client retry every recipient
        // (duplicates beat losses; LMTP avoids both), else a permanent one if all failed.
        const temporary = replies.find((r) => r.code >= 400 && r.code < 500);
        const accepted = replies.filter((r) => r.code === 250);
        if (temporary) callback(smtpError(temporary));
        else if (accepted.length === 0 && replies[0]) callback(smtpError(replies[0]));
        else {
          if (accepted.length < replies.length)
            options.logger.warn(
              { from: mailFrom, replies },
              'SMTP: some recipients refused permanently by the next hop',
            );
          callback(null, accepted[0]?.message ?? 'Ok');
        }
      };
      const work = options
        .filter(message)
        .then((result) => answer(result.replies))
        .catch((error: unknown) => {
          options.logger.error({ err: error }, 'mail filter failed');
          stream.resume();
          answer(recipients.map(() => ({ code: 451, message: '4.3.0 internal error, try again later' })));
        });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });
  server.on('error', (error) => options.logger.error({ err: error }, 'mail listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  options.logger.info(
    { host: options.host, port, protocol: options.isLmtp ? 'lmtp' : 'smtp' },
    'mail listener ready',
  );
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      // Idle connections (Postfix caches LMTP sessions) need not wait for the close timeout.
      for (const connection of server.connections) {
        connection.send(421, 'Server shutting down');
        connection.close();
      }
      await closed;
    },
  };
}
