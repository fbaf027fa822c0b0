import { z } from 'zod';
import { defineJob, type JobDefinition, type JobSchedule } from '../jobs/index.js';
import { mailDeliverJob, mailPurgeJob, mailPurgeSchedule } from '../mail/outbound/index.js';
import { signingJobs, signingSchedules } from '../signing/index.js';
import { smsSendJob } from '../sms/index.js';
import type { AppContext } from './context.js';

const DONE_JOBS_KEPT_DAYS = 7;

/** Every job kind the worker role runs, with its dependencies bound. */
export function jobDefinitions(ctx: AppContext): JobDefinition[] {
  return [
    mailDeliverJob(ctx.outbox) as JobDefinition,
    defineJob({
      kind: 'jobs.purge',
      payloadSchema: z.object({}).nullable(),
      // Finished jobs are only history: keep a week for operators, then drop them.
      handle: async () => {
        const cutoff = new Date(ctx.clock.now().getTime() - DONE_JOBS_KEPT_DAYS * 86_400_000);
        await ctx.db.query(`DELETE FROM jobs WHERE status = 'done' AND finished_at < $1`, [cutoff]);
      },
    }),
    mailPurgeJob(ctx, { keepDays: ctx.config.mail.outboxKeepDays }),
    smsSendJob(ctx.sms),
    ...signingJobs(ctx.signing),
  ];
}

export function jobSchedules(ctx: AppContext): JobSchedule[] {
  return [
    { name: 'jobs.purge', kind: 'jobs.purge', payload: {}, intervalSeconds: 3600 },
    mailPurgeSchedule,
    ...signingSchedules(ctx.config.signing),
  ];
}
