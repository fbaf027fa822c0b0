import type { FastifyInstance } from 'fastify';
import { t } from '../../shared/i18n/index.js';
import { listDevSms } from '../../sms/index.js';
import type { WebDeps } from '../deps.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

/** The dev SMS outbox: every text Paraphe would have sent through a real gateway. */
export function registerDevSmsRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/dev/sms.json', async () => {
    const messages = await listDevSms(deps.db);
    return { messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
  });

  app.get('/dev/sms', async (request, reply) => {
    const { locale } = request;
    const messages = await listDevSms(deps.db);
    const body = html`<h1>${t(locale, 'dev.sms.title')}</h1>
${
  messages.length === 0
    ? html`<p class="muted">${t(locale, 'dev.sms.empty')}</p>`
    : html`<table><thead><tr><th scope="col">${t(locale, 'dev.mail.date')}</th><th scope="col">${t(locale, 'dev.sms.to')}</th><th scope="col">${t(locale, 'dev.sms.body')}</th></tr></thead>
<tbody>${messages.map(
        (m) =>
          html`<tr><td><time datetime="${m.createdAt.toISOString()}">${m.createdAt.toISOString()}</time></td><td>${m.toNumber}</td><td>${m.body}</td></tr>`,
      )}</tbody></table>`
}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        layout({ locale, title: t(locale, 'dev.sms.title'), body, currentUrl: request.url, isDev: true }),
      );
  });
}
