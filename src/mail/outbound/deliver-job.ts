import { z } from 'zod';
import { defineJob, JobDeferral, type JobDefinition } from '../../jobs/index.js';
import { isAppError } from '../../shared/errors.js';
import { MAIL_DELIVER_JOB } from './enqueue-outgoing-mail.js';
import { deliverOutgoingMail, type OutboxDeliveryDeps } from './outbox.js';

const MailDeliverPayloadSchema = z.object({ outboxId: z.string().uuid() });

/** How soon the job looks again at a row that another attempt is sending right now. */
const BUSY_RECHECK_MS = 5_000;

/**
 * The worker's handler for outbox rows. A row already finished (by the immediate attempt) ends the
 * job quietly; a row being sent elsewhere defers it, since the other attempt usually succeeds and
 * is no failure of ours; a failed send throws, and the worker retries with backoff.
 */
export function mailDeliverJob(
  deps: OutboxDeliveryDeps,
): JobDefinition<z.infer<typeof MailDeliverPayloadSchema>> {
  return defineJob({
    kind: MAIL_DELIVER_JOB,
    payloadSchema: MailDeliverPayloadSchema,
    async handle(payload, ctx) {
      try {
        const outcome = await deliverOutgoingMail(deps, payload.outboxId);
        if (outcome.startsWith('already-'))
          ctx.logger.debug({ outboxId: payload.outboxId, outcome }, 'outgoing mail already done');
      } catch (error) {
        if (!isAppError(error, 'MAIL_OUTBOX_BUSY')) throw error;
        throw new JobDeferral(new Date(deps.clock.now().getTime() + BUSY_RECHECK_MS), error.message);
      }
    },
  });
}
