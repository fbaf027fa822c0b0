import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import { devMailTransport } from './dev-mailbox.js';
import { relayMailTransport } from './relay-transport.js';
import type { MailTransport } from './types.js';

/** The relay when PARAPHE_RELAY_URL is set (production), else the dev mailbox (embedded mode). */
export function createMailTransport(
  config: { relayUrl?: string | undefined },
  deps: { db: Db; blobs: BlobStore; clock: Clock; ids: Ids },
): MailTransport {
  return config.relayUrl ? relayMailTransport(config.relayUrl) : devMailTransport(deps);
}
