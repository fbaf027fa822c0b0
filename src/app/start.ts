import { Counter, Gauge, Histogram } from 'prom-client';
import type { Role } from '../config/index.js';
import { countJobs, createWorker } from '../jobs/index.js';
import { startMailRole } from '../mail/inbound/index.js';
import { deliverNow } from '../mail/outbound/index.js';
import { buildWebApp } from '../web/index.js';
import type { AppContext } from './context.js';
import { registerEnvelopeGauges } from './envelope-metrics.js';
import { jobDefinitions, jobSchedules } from './jobs.js';
import { signRequestHandler } from './mail.js';

export interface RunningService {
  /** Where each role listens, for the start banner. */
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the requested roles in this process. Stop order matters: first stop taking new work
 * (mail, web), then let the worker finish or hand back what it holds, then close storage.
 */
export async function startRoles(ctx: AppContext, roles: Role[]): Promise<RunningService> {
  const stops: Array<() => Promise<void>> = [];
  const endpoints: Record<string, string> = {};

  if (roles.includes('worker')) {
    const finished = new Counter({
      name: 'paraphe_jobs_finished_total',
      help: 'Jobs finished by this process, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [ctx.metrics],
    });
    const worker = createWorker({
      db: ctx.db,
      clock: ctx.clock,
      ids: ctx.ids,
      logger: ctx.logger.child({ role: 'worker' }),
      jobs: jobDefinitions(ctx),
      schedules: jobSchedules(ctx),
      concurrency: ctx.config.jobs.concurrency,
      leaseSeconds: ctx.config.jobs.leaseSeconds,
      pollMs: ctx.config.jobs.pollMs,
      stopGraceSeconds: ctx.config.jobs.stopGraceSeconds,
      onJobFinished: ({ kind, outcome }) => finished.inc({ kind, outcome }),
    });
    worker.start();
    stops.push(() => worker.stop());
    endpoints.worker = `${ctx.config.jobs.concurrency} job(s) at once`;
  }

  if (roles.includes('web')) {
    new Gauge({
      name: 'paraphe_jobs',
      help: 'Jobs in the queue by status',
      labelNames: ['status'] as const,
      registers: [ctx.metrics],
      async collect() {
        const counts = await countJobs(ctx.db);
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      },
    });
    registerEnvelopeGauges(ctx.metrics, ctx.db);
    const app = buildWebApp(ctx);
    await app.listen({ host: ctx.config.http.host, port: ctx.config.http.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : ctx.config.http.port;
    endpoints.web = `http://${ctx.config.http.host}:${port}`;
    stops.unshift(() => app.close());
  }

  if (roles.includes('mail')) {
    const messages = new Counter({
      name: 'paraphe_mail_messages_total',
      help: 'Messages the mail filter answered, by decision (pass, sign, too-large) and reply class',
      labelNames: ['kind', 'reply'] as const,
      registers: [ctx.metrics],
    });
    const seconds = new Histogram({
      name: 'paraphe_mail_filter_seconds',
      help: 'Time from DATA to the answer, by decision (the message transfer included)',
      labelNames: ['kind'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [ctx.metrics],
    });
    const mail = await startMailRole({
      onFiltered: ({ kind, replyCodes, durationMs }) => {
        for (const code of replyCodes) messages.inc({ kind, reply: `${Math.floor(code / 100)}xx` });
        seconds.observe({ kind }, durationMs / 1000);
      },
      mail: ctx.config.mail,
      db: ctx.db,
      blobs: ctx.blobs,
      clock: ctx.clock,
      ids: ctx.ids,
      logger: ctx.logger,
      deliverNow: (outboxId) => deliverNow(ctx.outbox, outboxId),
      handleSignRequest: signRequestHandler(ctx),
    });
    endpoints.mail = `lmtp://${ctx.config.mail.host}:${mail.lmtpPort} smtp://${ctx.config.mail.host}:${mail.smtpPort}`;
    // First to stop: no new message is taken while the worker and storage wind down.
    stops.unshift(() => mail.stop());
  }

  return {
    endpoints,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}
