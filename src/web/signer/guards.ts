import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../db/index.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { hitRateLimit } from '../../signing/index.js';

/** What a rate-limited route needs: the shared counters and its budgets per minute. */
export interface RateLimitDeps {
  db: Queryable;
  clock: Clock;
  settings: { ratePerIpPerMinute: number; ratePerTokenPerMinute?: number };
}

const CSRF_COOKIE = 'paraphe_csrf';

function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Double-submit CSRF token: a random value in a SameSite=Strict, HttpOnly cookie, repeated in the
 * page; every POST must carry it back (header or form field). Returns the value for the page.
 */
export function issueCsrf(request: FastifyRequest, reply: FastifyReply, isHttps: boolean): string {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && /^[\w-]{32,64}$/.test(existing)) return existing;
  const value = randomBytes(24).toString('base64url');
  reply.header(
    'set-cookie',
    `${CSRF_COOKIE}=${value}; Path=/; SameSite=Strict; HttpOnly${isHttps ? '; Secure' : ''}`,
  );
  return value;
}

/** Refuses a POST whose CSRF token does not match its cookie (SIGNING_CSRF_INVALID). */
export function checkCsrf(request: FastifyRequest, sent: string | undefined): void {
  const cookie = readCookie(request, CSRF_COOKIE);
  const header = request.headers['x-csrf-token'];
  const value = sent ?? (typeof header === 'string' ? header : undefined);
  const ok =
    cookie !== undefined &&
    value !== undefined &&
    cookie.length === value.length &&
    timingSafeEqual(Buffer.from(cookie), Buffer.from(value));
  if (!ok) throw new AppError('SIGNING_CSRF_INVALID', 'missing or wrong CSRF token');
}

/**
 * Per-IP and (for POSTs) per-token request budgets, shared by every web process. `scope` gives a
 * page its own per-IP budget (the verification page's uploads do not spend the signing page's).
 */
export async function checkRateLimits(
  deps: RateLimitDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | null,
  scope = '',
): Promise<void> {
  const now = deps.clock.now();
  const checks = [
    { bucket: `${scope ? `${scope}:` : ''}ip:${request.ip}`, limit: deps.settings.ratePerIpPerMinute },
  ];
  if (token && deps.settings.ratePerTokenPerMinute !== undefined)
    checks.push({
      bucket: `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`,
      limit: deps.settings.ratePerTokenPerMinute,
    });
  const result = await hitRateLimit(deps.db, { buckets: checks, windowSeconds: 60, now });
  if (result.exceeded) {
    reply.header('retry-after', String(result.retryAfterSeconds));
    throw new AppError('SIGNING_RATE_LIMITED', `rate limit ${result.exceeded.split(':')[0]}`, {
      details: { seconds: result.retryAfterSeconds },
    });
  }
}
