import { z } from 'zod';
import { defineJob, type JobDefinition } from '../jobs/index.js';
import { deliverSms } from './deliver-sms.js';
import type { SmsDeps } from './deps.js';
import { SMS_SEND_JOB } from './sms-send-job-kind.js';

const SmsSendPayloadSchema = z.object({ messageId: z.string().uuid() });

/**
 * The worker's handler for `sms.send`: one more try at a recorded SMS. A transient failure throws,
 * so the queue retries with its backoff; anything else (sent, refused for good, code expired,
 * already handled) ends the job.
 */
export function smsSendJob(deps: SmsDeps): JobDefinition<z.infer<typeof SmsSendPayloadSchema>> {
  return defineJob({
    kind: SMS_SEND_JOB,
    payloadSchema: SmsSendPayloadSchema,
    async handle(payload) {
      const result = await deliverSms(deps, payload.messageId);
      if (result.outcome === 'retry') throw result.error;
    },
  });
}
