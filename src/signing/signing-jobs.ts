import { z } from 'zod';
import { defineJob, type JobDefinition, type JobSchedule } from '../jobs/index.js';
import type { SigningDeps } from './deps.js';
import { sealEnvelope } from './seal-envelope.js';
import { SEAL_JOB } from './seal-job-kind.js';
import { sweepSigning } from './sweep-signing.js';

export const SWEEP_JOB = 'signing.sweep';

/** The seal job (retried with the worker's backoff) and the periodic sweep. */
export function signingJobs(deps: SigningDeps): JobDefinition[] {
  return [
    defineJob({
      kind: SEAL_JOB,
      payloadSchema: z.object({ envelopeId: z.string().uuid() }),
      handle: async (payload, ctx) => {
        const result = await sealEnvelope(deps, payload);
        ctx.logger.info({ envelopeId: payload.envelopeId, ...result }, 'seal job finished');
      },
    }) as JobDefinition,
    defineJob({
      kind: SWEEP_JOB,
      payloadSchema: z.object({}).nullable(),
      handle: async (_payload, ctx) => {
        const result = await sweepSigning(deps);
        if (result.expired + result.reminded + result.resealed > 0) ctx.logger.info(result, 'signing sweep');
      },
    }) as JobDefinition,
  ];
}

/** Expiry, reminders and stuck seals are looked at every `sweepSeconds` (a minute by default). */
export function signingSchedules(settings: { sweepSeconds: number }): JobSchedule[] {
  return [{ name: SWEEP_JOB, kind: SWEEP_JOB, payload: {}, intervalSeconds: settings.sweepSeconds }];
}
