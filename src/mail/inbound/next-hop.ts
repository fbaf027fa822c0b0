import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import {
  openSmtpSession,
  parseRelayUrl,
  type RelayMessage,
  type SmtpRecipientResult,
  type SmtpSession,
  storeDevMail,
} from '../outbound/index.js';

/**
 * Where a message that is not a signature request goes: the relay (Postfix's re-injection smtpd)
 * or, in embedded mode, the dev mailbox. Resolves with the next hop's answer per recipient once it
 * took responsibility; rejects (SmtpClientError) when the transaction as a whole failed.
 */
export interface NextHop {
  forward(message: RelayMessage): Promise<SmtpRecipientResult[]>;
  /** Releases open connections. */
  close?(): Promise<void>;
}

/**
 * The relay, over a small pool of open sessions: Postfix's smtpd costs a process wake-up and a
 * greeting per connection, which a busy filter should not pay per message. A session the relay
 * closed (idle timeout, 421) is noticed by its socket and never reused. A session is also retired
 * after `maxAgeMs` in use: an smtpd keeps the settings it started with for as long as its
 * connection lives, so without this a `postfix reload` of the re-injection service would never
 * reach a busy filter.
 */
export function relayNextHop(
  url: string,
  options: { maxIdle?: number; idleMs?: number; maxAgeMs?: number; nowMs?: () => number } = {},
): NextHop & {
  close(): Promise<void>;
} {
  const target = parseRelayUrl(url);
  const idle: Array<{ session: SmtpSession; timer: NodeJS.Timeout }> = [];
  const openedAt = new WeakMap<SmtpSession, number>();
  const maxIdle = options.maxIdle ?? 8;
  const idleMs = options.idleMs ?? 20_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const nowMs = options.nowMs ?? (() => performance.now());
  const isReusable = (session: SmtpSession) =>
    session.isUsable && nowMs() - (openedAt.get(session) ?? Number.NEGATIVE_INFINITY) < maxAgeMs;
  const take = async (): Promise<SmtpSession> => {
    for (let entry = idle.pop(); entry; entry = idle.pop()) {
      clearTimeout(entry.timer);
      if (isReusable(entry.session)) return entry.session;
      await entry.session.close();
    }
    const session = await openSmtpSession({
      host: target.host,
      port: target.port,
      isTls: target.isTls,
      ...(target.auth ? { auth: target.auth } : {}),
    });
    openedAt.set(session, nowMs());
    return session;
  };
  const give = (session: SmtpSession) => {
    if (!isReusable(session) || idle.length >= maxIdle) {
      void session.close();
      return;
    }
    const entry = {
      session,
      timer: setTimeout(() => {
        const index = idle.indexOf(entry);
        if (index !== -1) idle.splice(index, 1);
        void session.close();
      }, idleMs),
    };
    entry.timer.unref();
    idle.push(entry);
  };
  return {
    async forward(message) {
      const session = await take();
      try {
        return await session.send(message);
      } finally {
        give(session);
      }
    },
    async close() {
      for (const entry of idle.splice(0)) {
        clearTimeout(entry.timer);
        await entry.session.close();
      }
    },
  };
}

async function collect(body: AsyncIterable<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Embedded mode: the message is kept in the dev mailbox (shown at /dev/mail). */
export function devMailboxNextHop(deps: { db: Db; blobs: BlobStore; clock: Clock; ids: Ids }): NextHop {
  return {
    async forward(message) {
      const raw = await collect(message.body);
      await storeDevMail(deps.db, deps, { from: message.from, to: message.to, raw });
      return message.to.map((address) => ({
        address,
        code: 250,
        message: 'kept in the dev mailbox',
        isAccepted: true,
      }));
    },
  };
}
