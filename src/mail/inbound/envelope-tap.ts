import type { SMTPServerSession } from 'smtp-server';
import type { DsnParams } from '../outbound/index.js';

/** One accepted RCPT TO, in the order the client sent it, with its DSN parameters as on the wire. */
export interface AcceptedRecipient {
  address: string;
  notify?: string;
  orcpt?: string;
}

/** The parameters of a MAIL FROM or RCPT TO line, values exactly as written (xtext not decoded). */
export function wireParams(line: string): Record<string, string> {
  const colon = line.indexOf(':');
  const close = line.indexOf('>', colon);
  const params: Record<string, string> = {};
  if (colon === -1 || close === -1) return params;
  for (const word of line
    .slice(close + 1)
    .trim()
    .split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) params[word.slice(0, eq).toUpperCase()] = word.slice(eq + 1);
  }
  return params;
}

/**
 * What smtp-server does not keep for us, recorded per transaction:
 * - every accepted RCPT, even one that differs from an earlier one only in case (smtp-server folds
 *   those into one envelope entry, yet LMTP owes one reply after DATA per accepted RCPT);
 * - the DSN parameters as the client wrote them. smtp-server xtext-decodes values into a string of
 *   mixed bytes and characters that cannot be encoded back exactly (a UTF-8 ORCPT came out double
 *   encoded and the next hop refused it); RFC 3461 wants them passed on unchanged.
 * The raw command line is only visible through the library's command log (debug level, `tnx:
 * 'command'`), so `logger` is that log's sink; the listener tests check the parameters on the wire.
 */
export function createEnvelopeTap() {
  const lastLine = new Map<string, string>();
  const transactions = new WeakMap<object, { mail: Record<string, string>; rcpts: AcceptedRecipient[] }>();
  const ignore = () => {};
  const of = (session: SMTPServerSession) => {
    let tx = transactions.get(session.envelope);
    if (!tx) {
      tx = { mail: {}, rcpts: [] };
      transactions.set(session.envelope, tx);
    }
    return tx;
  };
  return {
    logger: {
      trace: ignore,
      info: ignore,
      warn: ignore,
      error: ignore,
      fatal: ignore,
      debug(entry: { tnx?: unknown; cid?: unknown; command?: unknown }, _format?: unknown, line?: unknown) {
        if (entry.tnx !== 'command' || typeof entry.cid !== 'string' || typeof line !== 'string') return;
        if (entry.command === 'MAIL' || entry.command === 'RCPT') lastLine.set(entry.cid, line);
      },
    },
    /** Call from onMailFrom, before accepting. */
    mailFrom(session: SMTPServerSession): Record<string, string> {
      const params = wireParams(lastLine.get(session.id) ?? '');
      of(session).mail = params;
      return params;
    },
    /** Call from onRcptTo when the recipient is accepted. */
    rcptTo(session: SMTPServerSession, address: string): void {
      const params = wireParams(lastLine.get(session.id) ?? '');
      of(session).rcpts.push({
        address,
        ...(params.NOTIFY ? { notify: params.NOTIFY } : {}),
        ...(params.ORCPT ? { orcpt: params.ORCPT } : {}),
      });
    },
    /** The accepted recipients of the transaction in progress, and its DSN parameters (wire form). */
    envelope(session: SMTPServerSession): { recipients: string[]; dsn?: DsnParams } {
      const tx = of(session);
      const dsn: DsnParams = {};
      const ret = tx.mail.RET?.toUpperCase();
      if (ret === 'FULL' || ret === 'HDRS') dsn.ret = ret;
      if (tx.mail.ENVID) dsn.envid = tx.mail.ENVID;
      const notify: Record<string, string> = {};
      const orcpt: Record<string, string> = {};
      for (const rcpt of tx.rcpts) {
        const key = rcpt.address.toLowerCase();
        if (rcpt.notify) notify[key] = rcpt.notify;
        if (rcpt.orcpt) orcpt[key] = rcpt.orcpt;
      }
      if (Object.keys(notify).length > 0) dsn.notify = notify;
      if (Object.keys(orcpt).length > 0) dsn.orcpt = orcpt;
      return {
        recipients: tx.rcpts.map((r) => r.address),
        ...(Object.keys(dsn).length > 0 ? { dsn } : {}),
      };
    },
    forget(session: SMTPServerSession): void {
      lastLine.delete(session.id);
    },
  };
}
