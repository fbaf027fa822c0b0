import type { FastifyInstance } from 'fastify';
import { handleTwilioStatusCallback, type SmsDeps } from '../../sms/index.js';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Delivery receipts from SMS providers. Authenticated by the provider's signature, not by a
 * session, so these routes must stay outside CSRF protection. Form parsing is scoped to them.
 */
export function registerSmsWebhookRoutes(app: FastifyInstance, sms: SmsDeps): void {
  app.register(async (scope) => {
    if (scope.hasContentTypeParser(FORM)) scope.removeContentTypeParser(FORM);
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      const params: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(String(body))) {
        const existing = params[name];
        params[name] =
          existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      done(null, params);
    });
    scope.post('/webhooks/sms/twilio', async (request, reply) => {
      const header = request.headers['x-twilio-signature'];
      await handleTwilioStatusCallback(sms, {
        params: (request.body ?? {}) as Record<string, string | string[]>,
        signature: typeof header === 'string' ? header : undefined,
      });
      // Twilio only needs a 2xx; an empty answer keeps it from parsing a reply.
      return reply.code(204).send();
    });
  });
}
