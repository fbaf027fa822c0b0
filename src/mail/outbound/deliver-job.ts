import { z } from 'zod';
import type { BlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { defineJob, type JobDefinition } from '../../jobs/index.js';
import type { Clock } from '../../shared/clock.js';
import { deliverOutgoingMail, MAIL_DELIVER_JOB } from './outbox.js';
import type { MailTransport } from './types.js';

const MailDeliverPayloadSchema = z.object({ outboxId: z.string().uuid() });

/**
 * The worker's handler for outbox rows. A row already sent (by the immediate attempt) ends the job;
 * a failed send or a claim held elsewhere throws, and the worker retries with backoff.
 */
export function mailDeliverJob(deps: {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  transport: MailTransport;
  /** How long a send may take before another worker may take the row over. */
  claimSeconds?: number;
}): JobDefinition<z.infer<typeof MailDeliverPayloadSchema>> {
  return defineJob({
    kind: MAIL_DELIVER_JOB,
    payloadSchema: MailDeliverPayloadSchema,
    async handle(payload, ctx) {
      const outcome = await deliverOutgoingMail(deps, payload.outboxId);
      ctx.logger.info({ outboxId: payload.outboxId, outcome }, 'outgoing mail delivered');
    },
  });
}
