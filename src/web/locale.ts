import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLocale, type Locale, negotiateLocale } from '../shared/i18n/index.js';

const COOKIE = 'paraphe_lang';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

function cookieLocale(request: FastifyRequest): Locale | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE && isLocale(value)) return value;
  }
  return undefined;
}

/**
 * The page language: `?lang=` (the visible switch, remembered in a cookie), else the cookie,
 * else Accept-Language, else French.
 */
export function registerLocale(app: FastifyInstance, options: { isHttps: boolean }): void {
  app.decorateRequest('locale', 'fr');
  app.addHook('onRequest', async (request, reply) => {
    const query = request.query as Record<string, unknown> | undefined;
    const asked = query?.lang;
    if (isLocale(asked)) {
      request.locale = asked;
      reply.header(
        'set-cookie',
        `${COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${options.isHttps ? '; Secure' : ''}`,
      );
      return;
    }
    request.locale = cookieLocale(request) ?? negotiateLocale(request.headers['accept-language']);
  });
}
