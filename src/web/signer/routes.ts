import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { type Locale, t } from '../../shared/i18n/index.js';
import {
  checkSigningCode,
  declineSigning,
  findSealedDownload,
  loadSigningPage,
  MAX_SIGNATURE_PNG_BYTES,
  PlacementSchema,
  type SigningDeps,
  sealedFileName,
  sendSigningCode,
  submitSignature,
} from '../../signing/index.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { checkCsrf, checkRateLimits, issueCsrf } from './guards.js';
import { signPage, statePage } from './views.js';

/** A link token as `ids.token()` makes it (base64url); anything else cannot be a link of ours. */
const TOKEN_SHAPE = /^[\w-]{16,128}$/;
/**
 * What mail clients and people glue to the end of a link they copy: punctuation, brackets, quotes,
 * guillemets, spaces. None of it can be part of a token.
 */
const TRAILING_JUNK = /[^\w-]+$/u;

/**
 * The token of a link route. A token that is not one of ours (cut short, mangled) is an unknown
 * link — the page that says to copy the whole link — not the caller's malformed request.
 */
function tokenOf(request: FastifyRequest): string {
  const { token } = request.params as { token: string };
  if (!TOKEN_SHAPE.test(token)) throw new AppError('SIGNING_LINK_UNKNOWN', 'malformed link token');
  return token;
}

/**
 * For the links people open from a mail (GET /s/:token, /d/:token): the clean link when only
 * trailing punctuation spoils it ("…/s/abc)." → "…/s/abc"), keeping the query; null otherwise.
 */
function cleanLink(request: FastifyRequest, prefix: '/s/' | '/d/'): string | null {
  const { token } = request.params as { token: string };
  const clean = token.replace(TRAILING_JUNK, '');
  if (clean === token || !TOKEN_SHAPE.test(clean)) return null;
  const query = request.url.indexOf('?');
  return `${prefix}${clean}${query === -1 ? '' : request.url.slice(query)}`;
}
const CodeBody = z.object({ phone: z.string().min(1).max(40) });
const CheckBody = z.object({ code: z.string().min(1).max(16) });
const SignBody = z.object({
  imagePng: z.string().max(Math.ceil((MAX_SIGNATURE_PNG_BYTES * 4) / 3) + 8),
  method: z.enum(['drawn', 'typed']),
  placements: z.array(PlacementSchema).min(1).max(200),
  consent: z.boolean(),
});
const DeclineBody = z.object({ _csrf: z.string().optional(), reason: z.string().max(2000).optional() });

/** Input that does not parse is the caller's mistake (400), never our fault. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new AppError('HTTP_BAD_REQUEST', `invalid input: ${result.error.message.slice(0, 300)}`);
  return result.data;
}

export interface SignerRouteOptions {
  isDev: boolean;
  isHttps: boolean;
}

function page(
  request: FastifyRequest,
  reply: FastifyReply,
  o: SignerRouteOptions,
  content: { title: string; body: ReturnType<typeof html> },
) {
  reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
  return reply.type('text/html; charset=utf-8').send(
    layout({
      locale: request.locale,
      title: content.title,
      body: content.body,
      currentUrl: request.url,
      isDev: o.isDev,
      isPrivate: true,
      ...(content.title === t(request.locale, 'signing.page.title')
        ? { scripts: ['/assets/signing.js'], preloads: ['/assets/pdf.worker.min.mjs'] }
        : {}),
    }),
  );
}

/**
 * The refusal a JSON caller gets for an SMS "no": its code and the sentence to show, and when a
 * wait ends it, how long (the page counts it down on "send another code").
 */
function refused(
  reply: FastifyReply,
  locale: Locale,
  r: { code: string; params: Record<string, string | number>; retryAfterSeconds?: number },
  status = 400,
) {
  return reply.code(status).send({
    error: { code: r.code, message: t(locale, `error.${r.code}`, r.params) },
    ...(r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds }),
  });
}

/**
 * /s/:token — the signer's page and its actions. Each route: rate limit → CSRF (POST) → validate →
 * one use case → render. The token is the only personal thing in the URL.
 */
export function registerSignerRoutes(app: FastifyInstance, deps: SigningDeps, o: SignerRouteOptions): void {
  app.register(async (scope) => {
    // Only the decline form posts urlencoded; everything else is JSON.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8192 },
      (_r, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-robots-tag', 'noindex, nofollow');
      return payload;
    });
    const ua = (r: FastifyRequest) => (r.headers['user-agent'] ?? '').slice(0, 500) || null;

    scope.get('/s/:token', async (request, reply) => {
      const clean = cleanLink(request, '/s/');
      if (clean) return reply.redirect(clean, 302);
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, null);
      const view = await loadSigningPage(deps.db, { token, now: deps.clock.now() });
      const locale = request.locale;
      const justSigned = (request.query as Record<string, string>)?.done === '1';
      if (view.state !== 'your-turn') return page(request, reply, o, statePage(locale, view, justSigned));
      const csrf = issueCsrf(request, reply, o.isHttps);
      return page(request, reply, o, signPage(locale, view, { token, csrf }));
    });

    scope.get('/s/:token/documents/:position', async (request, reply) => {
      const token = tokenOf(request);
      const position = Number((request.params as { position: string }).position);
      await checkRateLimits(deps, request, reply, null);
      const view = await loadSigningPage(deps.db, { token, now: deps.clock.now() });
      const doc = view.documents.find((d) => d.position === position);
      if (!doc || !['your-turn', 'not-yet', 'signed'].includes(view.state)) return reply.callNotFound();
      const bytes = await deps.blobs.get(doc.sha256);
      return reply
        .header('content-type', 'application/pdf')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });

    scope.post('/s/:token/code', async (request, reply) => {
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, token);
      checkCsrf(request, undefined);
      const body = parse(CodeBody, request.body);
      const result = await sendSigningCode(deps, {
        token,
        phone: body.phone,
        locale: request.locale,
        ip: request.ip,
        userAgent: ua(request),
      });
      if (result.status === 'refused')
        return refused(
          reply,
          request.locale,
          result,
          result.reason === 'resend_too_soon' || result.reason === 'limit_reached' ? 429 : 400,
        );
      const resendAfterSeconds = Math.max(
        0,
        Math.ceil((result.resendAvailableAt.getTime() - deps.clock.now().getTime()) / 1000),
      );
      return reply.send({
        status: result.status,
        maskedPhone: result.phone.masked,
        resendAfterSeconds,
        message: t(request.locale, result.status === 'sent' ? 'signing.code.sent' : 'sms.code.pending', {
          phone: result.phone.masked,
        }),
      });
    });

    scope.post('/s/:token/code/check', async (request, reply) => {
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, token);
      checkCsrf(request, undefined);
      const body = parse(CheckBody, request.body);
      const result = await checkSigningCode(deps, {
        token,
        code: body.code,
        ip: request.ip,
        userAgent: ua(request),
      });
      if (result.status === 'refused')
        return refused(reply, request.locale, result, result.reason === 'too_many_attempts' ? 403 : 400);
      return reply.send({ status: 'confirmed', maskedPhone: result.maskedPhone });
    });

    scope.post('/s/:token/sign', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, token);
      checkCsrf(request, undefined);
      const body = parse(SignBody, request.body);
      const result = await submitSignature(deps, {
        token,
        imagePng: new Uint8Array(
          Buffer.from(body.imagePng.replace(/^data:image\/png;base64,/, ''), 'base64'),
        ),
        method: body.method,
        placements: body.placements,
        isConsentGiven: body.consent,
        ip: request.ip,
        userAgent: ua(request),
      });
      return reply.send({ status: result.status, redirect: `/s/${token}?done=1` });
    });

    scope.post('/s/:token/decline', async (request, reply) => {
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, token);
      const body = parse(DeclineBody, request.body ?? {});
      checkCsrf(request, body._csrf);
      await declineSigning(deps, {
        token,
        reason: body.reason ?? null,
        ip: request.ip,
        userAgent: ua(request),
      });
      return reply.redirect(`/s/${token}`, 303);
    });

    scope.get('/d/:token', async (request, reply) => {
      const clean = cleanLink(request, '/d/');
      if (clean) return reply.redirect(clean, 302);
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, null);
      const download = await findSealedDownload(deps.db, token);
      const locale = request.locale;
      const title = t(locale, 'signing.download.title');
      const body = html`<h1>${title}</h1><p>${download.subject}</p><ul>${download.files.map(
        (f) =>
          html`<li><a href="/d/${token}/${f.position}" download>${sealedFileName(f.fileName, download.locale)}</a> <span class="meta">(${Math.ceil(f.sizeBytes / 1024)} KB)</span></li>`,
      )}</ul>`;
      return page(request, reply, o, { title, body });
    });

    scope.get('/d/:token/:position', async (request, reply) => {
      const token = tokenOf(request);
      await checkRateLimits(deps, request, reply, null);
      const download = await findSealedDownload(deps.db, token);
      const file = download.files.find(
        (f) => f.position === Number((request.params as { position: string }).position),
      );
      if (!file) return reply.callNotFound();
      const bytes = await deps.blobs.get(file.sha256);
      return reply
        .header('content-type', 'application/pdf')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `attachment; filename="${sealedFileName(file.fileName, download.locale).replace(/[^\w.-]/g, '_')}"`,
        )
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  });
}
