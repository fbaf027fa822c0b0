import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { AppError } from '../shared/errors.js';
import { hasMessage, type Locale, t } from '../shared/i18n/index.js';
import { registerAssets } from './assets.js';
import type { WebDeps } from './deps.js';
import { registerDevMailRoutes } from './dev/mail.js';
import { registerDevSmsRoutes } from './dev/sms.js';
import { httpStatusByKind } from './errors.js';
import { registerLocale } from './locale.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerHomeRoutes } from './routes/home.js';
import { registerMetrics } from './routes/metrics.js';
import { registerSmsWebhookRoutes } from './routes/sms-webhooks.js';
import { registerSecurityHeaders } from './security.js';
import { registerSignerRoutes } from './signer/index.js';
import { registerVerifierRoutes } from './verifier/index.js';
import { html } from './views/html.js';
import { layout } from './views/layout.js';

const REQUEST_ID = /^[\w.-]{8,100}$/;

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !request.url.endsWith('.json');
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: { status: number; code: string; messageKey: string; params?: Record<string, string | number> },
  isDev: boolean,
) {
  const locale: Locale = request.locale ?? 'fr';
  const message = t(locale, problem.messageKey, problem.params);
  reply.code(problem.status);
  if (!wantsHtml(request)) return reply.send({ error: { code: problem.code, message } });
  const titleKey = problem.status === 404 ? 'page.notFound.title' : 'page.error.title';
  const body = html`<h1>${t(locale, titleKey)}</h1><p>${message}</p><p class="meta">${problem.code} · ${request.id}</p>`;
  return reply
    .type('text/html; charset=utf-8')
    .send(layout({ locale, title: t(locale, titleKey), body, currentUrl: request.url, isDev }));
}

/**
 * The HTTP adapter: security headers, request ids, language, metrics, health, and one error
 * mapping (AppError kind → status; anything else → 500 without details). Routes stay thin: they
 * validate, call one use case and render its result.
 */
export function buildWebApp(
  deps: WebDeps,
  options: { register?: Array<(app: FastifyInstance) => void> } = {},
): FastifyInstance {
  const app = Fastify({
    // Fastify types its logger narrower than pino's own; the instance is the same pino logger.
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.config.http.trustProxy,
    bodyLimit: 12 * 1024 * 1024,
    // genReqId reads the header itself so a malformed incoming id is replaced, not trusted.
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : deps.ids.uuid();
    },
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  registerSecurityHeaders(app, { isHttps: deps.config.http.isHttps });
  registerLocale(app, { isHttps: deps.config.http.isHttps });
  registerMetrics(app, deps.metrics);
  registerAssets(app);
  registerHealthRoutes(app, deps);
  registerHomeRoutes(app, deps);
  if (deps.sms) registerSmsWebhookRoutes(app, deps.sms);
  if (deps.signing)
    registerSignerRoutes(app, deps.signing, { isDev: deps.config.isDev, isHttps: deps.config.http.isHttps });
  if (deps.verification) registerVerifierRoutes(app, deps.verification, { isDev: deps.config.isDev });
  if (deps.config.isDev) {
    registerDevMailRoutes(app, deps);
    registerDevSmsRoutes(app, deps);
  }
  for (const register of options.register ?? []) register(app);

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      { status: 404, code: 'HTTP_NOT_FOUND', messageKey: 'page.notFound.body' },
      deps.config.isDev,
    ),
  );

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) {
      const status = httpStatusByKind[error.kind];
      // Log once, here: expected failures at info, our own faults at error.
      request.log[status >= 500 ? 'error' : 'info']({ err: error, code: error.code }, 'request failed');
      const params = Object.fromEntries(
        Object.entries(error.details).filter((entry): entry is [string, string | number] =>
          ['string', 'number'].includes(typeof entry[1]),
        ),
      );
      return sendProblem(
        request,
        reply,
        {
          status,
          code: error.code,
          messageKey: hasMessage(error.userMessage) ? error.userMessage : 'page.error.body',
          params,
        },
        deps.config.isDev,
      );
    }
    const fastifyError = error as { statusCode?: number; validation?: unknown };
    if (fastifyError.validation || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
      request.log.info({ err: error }, 'bad request');
      return sendProblem(
        request,
        reply,
        {
          status: fastifyError.statusCode ?? 400,
          code: 'HTTP_BAD_REQUEST',
          messageKey: 'error.HTTP_BAD_REQUEST',
        },
        deps.config.isDev,
      );
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(
      request,
      reply,
      { status: 500, code: 'INTERNAL', messageKey: 'page.error.body' },
      deps.config.isDev,
    );
  });

  return app;
}
