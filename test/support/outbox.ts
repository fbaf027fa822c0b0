import type { BlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import type { MailTransport, OutboxDeliveryDeps } from '../../src/mail/outbound/index.js';
import { type Clock, systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { silentLogger } from './logger.js';

/** Outbox delivery dependencies for tests: silent, with the default notice settings. */
export function testOutboxDeps(deps: {
  db: Db;
  blobs: BlobStore;
  transport: MailTransport;
  clock?: Clock;
  maxBytes?: number;
  onRefused?: OutboxDeliveryDeps['onRefused'];
}): OutboxDeliveryDeps {
  return {
    db: deps.db,
    blobs: deps.blobs,
    clock: deps.clock ?? systemClock,
    ids: randomIds,
    transport: deps.transport,
    logger: silentLogger,
    notices: { from: 'Paraphe <noreply@paraphe.test>', maxBytes: deps.maxBytes ?? 35 * 1024 * 1024 },
    ...(deps.onRefused ? { onRefused: deps.onRefused } : {}),
  };
}
