import { AppError } from '../../shared/errors.js';
import { SmtpClientError, type SmtpRecipientResult, type SmtpSendOptions, sendSmtp } from './smtp-client.js';
import type { DsnParams, MailTransport, OutgoingMail } from './types.js';

/** Where the relay is, parsed once from PARAPHE_RELAY_URL (smtp://[user:pass@]host[:port]). */
export interface RelayTarget {
  host: string;
  port: number;
  isTls: boolean;
  auth?: { user: string; pass: string };
}

export function parseRelayUrl(url: string): RelayTarget {
  const parsed = new URL(url);
  const isTls = parsed.protocol === 'smtps:';
  const target: RelayTarget = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : isTls ? 465 : 25,
    isTls,
  };
  if (parsed.username)
    target.auth = { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
  return target;
}

/** One message for the relay: the envelope as received, the body as a stream or bytes. */
export interface RelayMessage {
  from: string;
  to: string[];
  body: AsyncIterable<Uint8Array> | Uint8Array;
  sizeBytes?: number;
  dsn?: DsnParams;
  is8BitMime?: boolean;
  isSmtpUtf8?: boolean;
  xforward?: Record<string, string>;
}

/** Sends to the relay and returns its answer per recipient; whole-transaction failures throw. */
export function relaySend(target: RelayTarget, message: RelayMessage): Promise<SmtpRecipientResult[]> {
  const options: SmtpSendOptions = {
    host: target.host,
    port: target.port,
    isTls: target.isTls,
    from: message.from,
    to: message.to,
    body: message.body,
  };
  if (target.auth) options.auth = target.auth;
  if (message.sizeBytes !== undefined) options.sizeBytes = message.sizeBytes;
  if (message.dsn) options.dsn = message.dsn;
  if (message.is8BitMime) options.is8BitMime = true;
  if (message.isSmtpUtf8) options.isSmtpUtf8 = true;
  if (message.xforward) options.xforward = message.xforward;
  return sendSmtp(options);
}

/** True when any byte has the high bit set: such a message is declared BODY=8BITMIME. */
export function has8BitBytes(raw: Uint8Array): boolean {
  for (const byte of raw) if (byte > 127) return true;
  return false;
}

/**
 * The production MailTransport: the provider's MTA (typically Postfix's re-injection smtpd on
 * 127.0.0.1:10026). `send` resolves only when every recipient was accepted; otherwise it throws
 * MAIL_RELAY_UNAVAILABLE (temporary: retry) or MAIL_RELAY_REJECTED (permanent).
 */
export function relayMailTransport(url: string): MailTransport {
  const target = parseRelayUrl(url);
  return {
    name: 'relay',
    async send(mail: OutgoingMail) {
      let results: SmtpRecipientResult[];
      try {
        results = await relaySend(target, {
          from: mail.from,
          to: mail.to,
          body: mail.raw,
          sizeBytes: mail.raw.byteLength,
          is8BitMime: has8BitBytes(mail.raw),
          ...(mail.dsn ? { dsn: mail.dsn } : {}),
        });
      } catch (error) {
        const code = error instanceof SmtpClientError ? error.code : 0;
        const message = error instanceof Error ? error.message : String(error);
        // `recipients` and `reply` are what the sender's notice names when the refusal is final.
        throw new AppError(
          code >= 500 ? 'MAIL_RELAY_REJECTED' : 'MAIL_RELAY_UNAVAILABLE',
          `relay ${target.host}:${target.port}: ${message}`,
          { cause: error, details: { code, recipients: mail.to.join(', '), reply: message } },
        );
      }
      const refused = results.filter((r) => !r.isAccepted);
      if (refused.length > 0) {
        const isPermanent = refused.every((r) => r.code >= 500);
        const replies = refused.map((r) => `${r.code} ${r.message.replace(/\n/g, ' ')}`);
        throw new AppError(
          isPermanent ? 'MAIL_RELAY_REJECTED' : 'MAIL_RELAY_UNAVAILABLE',
          `relay refused ${refused.map((r, i) => `${r.address} (${replies[i]})`).join(', ')}`,
          {
            details: {
              code: refused[0]?.code ?? 0,
              recipients: refused.map((r) => r.address).join(', '),
              reply: [...new Set(replies)].join(' / '),
              accepted: results.length - refused.length,
            },
          },
        );
      }
    },
    async close() {},
  };
}
