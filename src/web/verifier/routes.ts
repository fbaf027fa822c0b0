import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type DocumentVerdict,
  lookUpHash,
  type VerificationDeps,
  verifyDocument,
} from '../../verification/index.js';
import { multipartBoundary, parseMultipart } from '../multipart.js';
import { checkRateLimits } from '../signer/guards.js';
import { layout } from '../views/layout.js';
import { type VerifierResult, verifierPage } from './views.js';

const SHA256 = /^[0-9a-f]{64}$/;
/** Room for the form's other field and the multipart framing around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export interface VerifierRouteOptions {
  isDev: boolean;
}

function prefill(value: unknown): string {
  return typeof value === 'string' && SHA256.test(value.trim().toLowerCase())
    ? value.trim().toLowerCase()
    : '';
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  o: VerifierRouteOptions & { maxBytes: number; sha256: string; result?: VerifierResult },
) {
  const { title, body } = verifierPage(request.locale, o);
  // A verdict may name people: never cached, and the page stays out of search engines' results.
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      layout({
        locale: request.locale,
        title,
        body,
        currentUrl: request.url,
        isDev: o.isDev,
        isPrivate: true,
      }),
    );
}

/** The form's fields: the file (when one was chosen) and the hash text. */
function formOf(request: FastifyRequest): { pdf?: Buffer; sha256: string } {
  const body = request.body;
  if (Buffer.isBuffer(body)) {
    const boundary = multipartBoundary(request.headers['content-type']);
    const parts = boundary ? parseMultipart(body, boundary) : [];
    const file = parts.find((p) => p.name === 'pdf' && p.fileName !== undefined && p.data.length > 0);
    const hash = parts.find((p) => p.name === 'sha256')?.data.toString('utf8') ?? '';
    return { ...(file ? { pdf: file.data } : {}), sha256: hash };
  }
  const fields = (body ?? {}) as Record<string, unknown>;
  return { sha256: typeof fields.sha256 === 'string' ? fields.sha256 : '' };
}

/**
 * /verifier — the public verification page. GET shows the form (`?sha256=` fills it in, as the
 * evidence page's link does); POST → rate limit (before the body is read) → the file checked in
 * memory, or the hash looked up → the verdict in plain words.
 */
export function registerVerifierRoutes(
  app: FastifyInstance,
  deps: VerificationDeps,
  o: VerifierRouteOptions,
): void {
  const maxBytes = deps.settings.maxPdfBytes;
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: maxBytes + FORM_OVERHEAD_BYTES },
      (_r, body, done) => done(null, body),
    );
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8192 },
      (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.setErrorHandler((error, request, reply) => {
      // Far too large for the form: the same sentence as a file just over the limit.
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return send(request, reply.code(413), {
          ...o,
          maxBytes,
          sha256: '',
          result: { kind: 'file', verdict: { status: 'too-large', maxBytes } },
        });
      throw error;
    });

    scope.get('/verifier', async (request, reply) =>
      send(request, reply, {
        ...o,
        maxBytes,
        sha256: prefill((request.query as Record<string, unknown>)?.sha256),
      }),
    );

    scope.post(
      '/verifier',
      {
        bodyLimit: maxBytes + FORM_OVERHEAD_BYTES,
        onRequest: async (request, reply) => checkRateLimits(deps, request, reply, null, 'verify'),
      },
      async (request, reply) => {
        const form = formOf(request);
        const typed = form.sha256.trim().toLowerCase();
        let result: VerifierResult;
        if (form.pdf) {
          const verdict: DocumentVerdict = await verifyDocument(deps, {
            // A view of the received bytes, not a copy: a 10 MB upload stays one buffer in memory.
            pdfBytes: new Uint8Array(form.pdf.buffer, form.pdf.byteOffset, form.pdf.byteLength),
          });
          result = { kind: 'file', verdict };
        } else if (typed === '') result = { kind: 'problem', key: 'verify.form.empty' };
        else if (!SHA256.test(typed)) result = { kind: 'problem', key: 'verify.form.badHash' };
        else result = { kind: 'hash', sha256: typed, envelopes: await lookUpHash(deps, { sha256: typed }) };
        const status =
          result.kind === 'problem'
            ? 400
            : result.kind === 'file' && result.verdict.status === 'too-large'
              ? 413
              : 200;
        return send(request, reply.code(status), { ...o, maxBytes, sha256: prefill(typed), result });
      },
    );
  });
}
