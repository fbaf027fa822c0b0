import { z } from 'zod';
import { defineJob, type JobDefinition, type JobSchedule } from '../jobs/index.js';
import type { SigningDeps } from './deps.js';
import { renewLongTermValidation } from './renew-long-term-validation.js';
import { sealEnvelope } from './seal-envelope.js';
import { SEAL_JOB } from './seal-job-kind.js';
import { sweepSigning } from './sweep-signing.js';

export const SWEEP_JOB = 'signing.sweep';
export const LTV_RENEW_JOB = 'signing.ltv-renew';
/** Timestamps are renewed months ahead: once a day is plenty, and keeps TSA calls rare. */
const LTV_RENEW_EVERY_SECONDS = 86_400;

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
    defineJob({
      kind: LTV_RENEW_JOB,
      payloadSchema: z.object({}).nullable(),
      handle: async (_payload, ctx) => {
        const result = await renewLongTermValidation(deps);
        if (result.stuck > 0)
          ctx.logger.warn(
            result,
            'sealed documents near timestamp expiry that a new timestamp would not extend (the TSA certificate expires as soon)',
          );
        else if (result.renewed > 0) ctx.logger.info(result, 'long-term validation renewed');
      },
    }) as JobDefinition,
  ];
}

/**
 * Expiry, reminders and stuck seals are looked at every `sweepSeconds` (a minute by default);
 * long-term seals near their timestamp's expiry once a day.
 */
export function signingSchedules(settings: { sweepSeconds: number }): JobSchedule[] {
  return [
    { name: SWEEP_JOB, kind: SWEEP_JOB, payload: {}, intervalSeconds: settings.sweepSeconds },
    { name: LTV_RENEW_JOB, kind: LTV_RENEW_JOB, payload: {}, intervalSeconds: LTV_RENEW_EVERY_SECONDS },
  ];
}
