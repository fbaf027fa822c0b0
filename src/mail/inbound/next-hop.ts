import type { Readable } from 'node:stream';
import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import {
  parseRelayUrl,
  type RelayMessage,
  relaySend,
  type SmtpRecipientResult,
  storeDevMail,
} from '../outbound/index.js';

/**
 * Where a message that is not a signature request goes: the relay (Postfix's re-injection smtpd)
 * or, in embedded mode, the dev mailbox. Resolves with the next hop's answer per recipient once it
 * took responsibility; rejects (SmtpClientError) when the transaction as a whole failed.
 */
export interface NextHop {
  forward(message: RelayMessage): Promise<SmtpRecipientResult[]>;
}

export function relayNextHop(url: string): NextHop {
  const target = parseRelayUrl(url);
  return { forward: (message) => relaySend(target, message) };
}

async function collect(body: Readable | Uint8Array): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
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
