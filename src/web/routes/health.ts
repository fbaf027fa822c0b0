import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.js';

/** Liveness (the process answers) and readiness (it can reach what it needs to do its work). */
export function registerHealthRoutes(app: FastifyInstance, deps: Pick<WebDeps, 'db' | 'blobs'>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const checks = await Promise.all(
      (
        [
          ['database', () => deps.db.ping()],
          ['blobs', () => deps.blobs.ping()],
        ] as const
      ).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          request.log.warn({ err: error, check: name }, 'readiness check failed');
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const isReady = checks.every(([, state]) => state === 'ok');
    return reply
      .code(isReady ? 200 : 503)
      .send({ status: isReady ? 'ready' : 'unavailable', checks: Object.fromEntries(checks) });
  });
}
