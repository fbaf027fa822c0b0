import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type ParsedMail, simpleParser } from 'mailparser';
import {
  type DevMailSummary,
  getDevMail,
  getDevMailSummary,
  listDevMail,
} from '../../mail/outbound/index.js';
import { t } from '../../shared/i18n/index.js';
import type { WebDeps } from '../deps.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

type Params = { Params: { id: string } };

async function parse(raw: Uint8Array): Promise<ParsedMail> {
  return simpleParser(Buffer.from(raw), { skipImageLinks: true });
}

function attachmentsOf(parsed: ParsedMail) {
  return parsed.attachments.map((a, index) => ({
    index,
    filename: a.filename ?? `attachment-${index + 1}`,
    contentType: a.contentType,
    sizeBytes: a.size,
    sha256: createHash('sha256').update(a.content).digest('hex'),
  }));
}

/** What the listing shows of one message: whatever could be read, and why the rest could not. */
export interface DevMailView {
  id: string;
  envelopeFrom: string;
  recipients: string[];
  subject: string;
  /** The From header as written, else the envelope sender. */
  from: string;
  createdAt: string;
  sizeBytes: number;
  text: string;
  html: string;
  attachments: ReturnType<typeof attachmentsOf>;
  rawUrl: string;
  /** Set when the bytes are gone or do not parse: the row's own fields are all there is. */
  unreadable?: string;
}

/**
 * One message for /dev/mail.json, never throwing: the dev mailbox is where odd messages are
 * looked at, so one that is missing from the blob store or that the MIME parser refuses (nesting
 * or header limits) is listed from its row with the reason, instead of failing the whole list.
 */
export async function viewDevMail(
  deps: Pick<WebDeps, 'db' | 'blobs'>,
  m: DevMailSummary,
): Promise<DevMailView> {
  const base: DevMailView = {
    id: m.id,
    envelopeFrom: m.envelopeFrom,
    recipients: m.recipients,
    subject: m.subject,
    from: m.envelopeFrom,
    createdAt: m.createdAt.toISOString(),
    sizeBytes: m.sizeBytes,
    text: '',
    html: '',
    attachments: [],
    rawUrl: `/dev/mail/${m.id}/raw`,
  };
  try {
    const { raw } = await getDevMail(deps.db, deps.blobs, m.id);
    const parsed = await parse(raw);
    return {
      ...base,
      subject: parsed.subject ?? m.subject,
      from: parsed.from?.text ?? m.envelopeFrom,
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      attachments: attachmentsOf(parsed),
    };
  } catch (error) {
    return { ...base, unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/** The dev mailbox: every message Paraphe sent while no relay is configured. */
export function registerDevMailRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/dev/mail.json', async () => {
    const messages = await listDevMail(deps.db);
    return { messages: await Promise.all(messages.map((m) => viewDevMail(deps, m))) };
  });

  app.get('/dev/mail', async (request, reply) => {
    const { locale } = request;
    const messages = await listDevMail(deps.db);
    const body = html`<h1>${t(locale, 'dev.mail.title')}</h1>
${
  messages.length === 0
    ? html`<p class="muted">${t(locale, 'dev.mail.empty')}</p>`
    : html`<ul class="list">${messages.map(
        (m) => html`<li><a href="/dev/mail/${m.id}"><strong>${m.subject || '—'}</strong></a>
<div class="meta">${t(locale, 'dev.mail.from')} ${m.envelopeFrom} · ${t(locale, 'dev.mail.to')} ${m.recipients.join(', ')} · <time datetime="${m.createdAt.toISOString()}">${m.createdAt.toISOString()}</time></div></li>`,
      )}</ul>`
}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        layout({ locale, title: t(locale, 'dev.mail.title'), body, currentUrl: request.url, isDev: true }),
      );
  });

  app.get<Params>('/dev/mail/:id', async (request, reply) => {
    const { locale } = request;
    const mail = await viewDevMail(deps, await getDevMailSummary(deps.db, request.params.id));
    const body = html`<p><a href="/dev/mail">← ${t(locale, 'dev.mail.back')}</a></p>
<h1>${mail.subject}</h1>
<table>
<tr><th scope="row">${t(locale, 'dev.mail.from')}</th><td>${mail.from}</td></tr>
<tr><th scope="row">${t(locale, 'dev.mail.to')}</th><td>${mail.recipients.join(', ')}</td></tr>
<tr><th scope="row">${t(locale, 'dev.mail.date')}</th><td>${mail.createdAt}</td></tr>
</table>
${mail.unreadable ? html`<p class="muted">${t(locale, 'dev.mail.unreadable', { reason: mail.unreadable })}</p>` : ''}
<p><a class="button secondary" href="${mail.rawUrl}" download>${t(locale, 'dev.mail.raw')}</a></p>
${
  mail.attachments.length > 0
    ? html`<h2>${t(locale, 'dev.mail.attachments')}</h2><ul>${mail.attachments.map(
        (a) =>
          html`<li><a href="/dev/mail/${mail.id}/attachments/${a.index}">${a.filename}</a> <span class="meta">${a.contentType}, ${t(locale, 'dev.mail.size', { bytes: a.sizeBytes })}</span></li>`,
      )}</ul>`
    : ''
}
${mail.html ? html`<h2>${t(locale, 'dev.mail.html')}</h2><iframe class="mail-html" title="${t(locale, 'dev.mail.html')}" src="/dev/mail/${mail.id}/html"></iframe>` : ''}
<h2>${t(locale, 'dev.mail.text')}</h2>
<pre>${mail.text}</pre>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(layout({ locale, title: mail.subject, body, currentUrl: request.url, isDev: true }));
  });

  app.get<Params>('/dev/mail/:id/html', async (request, reply) => {
    const mail = await getDevMail(deps.db, deps.blobs, request.params.id);
    const parsed = await parse(mail.raw);
    // The message's own HTML, sandboxed: no script, no form, no request to anywhere.
    return reply
      .header(
        'content-security-policy',
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
      )
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(typeof parsed.html === 'string' ? parsed.html : '');
  });

  app.get<Params>('/dev/mail/:id/raw', async (request, reply) => {
    const mail = await getDevMail(deps.db, deps.blobs, request.params.id);
    return reply
      .type('message/rfc822')
      .header('content-disposition', `attachment; filename="${mail.id}.eml"`)
      .send(Buffer.from(mail.raw));
  });

  app.get<{ Params: { id: string; index: string } }>(
    '/dev/mail/:id/attachments/:index',
    async (request, reply) => {
      const mail = await getDevMail(deps.db, deps.blobs, request.params.id);
      const parsed = await parse(mail.raw);
      const attachment = parsed.attachments[Number(request.params.index)];
      if (!attachment) return reply.callNotFound();
      const filename = (attachment.filename ?? `attachment-${request.params.index}`).replace(
        /[^\w.\- ]/g,
        '_',
      );
      return reply
        .type(attachment.contentType || 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(attachment.content);
    },
  );
}
