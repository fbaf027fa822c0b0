import type { FastifyInstance } from 'fastify';
import { t } from '../../shared/i18n/index.js';
import type { WebDeps } from '../deps.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

export function registerHomeRoutes(app: FastifyInstance, deps: Pick<WebDeps, 'config'>): void {
  app.get('/', async (request, reply) => {
    const { locale } = request;
    const body = html`<h1>${t(locale, 'home.title')}</h1>
<p>${t(locale, 'app.tagline')}</p>
<p>${t(locale, 'home.body')}</p>
${deps.config.isDev ? html`<p><a href="/dev/mail">${t(locale, 'dev.mail.title')}</a> · <a href="/dev/sms">${t(locale, 'dev.sms.title')}</a></p>` : ''}`;
    return reply.type('text/html; charset=utf-8').send(
      layout({
        locale,
        title: t(locale, 'home.title'),
        body,
        currentUrl: request.url,
        isDev: deps.config.isDev,
      }),
    );
  });
}
