import MailComposer from 'nodemailer/lib/mail-composer';
import type { Locale } from '../shared/i18n/index.js';

export interface PlainMail {
  from: string;
  to: string;
  subject: string;
  locale: Locale;
  /** Paragraphs; a paragraph that is a URL becomes a link (and a button) in the HTML part. */
  paragraphs: string[];
  attachments?: { fileName: string; bytes: Uint8Array }[];
  date: Date;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A short notification, text and HTML with the same words: plain, so it is read (and not filed as
 * spam), with the link on its own line.
 */
export async function composeMail(mail: PlainMail): Promise<Uint8Array> {
  const isUrl = (p: string) => /^https?:\/\/\S+$/.test(p);
  const html =
    `<!DOCTYPE html><html lang="${mail.locale}"><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1b1b1b">` +
    mail.paragraphs
      .map((p) =>
        isUrl(p)
          ? `<p><a href="${escapeHtml(p)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(p)}</a></p>`
          : `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`,
      )
      .join('') +
    '</body></html>';
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: `${mail.paragraphs.join('\n\n')}\n`,
    html,
    date: mail.date,
    headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': mail.locale },
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.fileName,
      content: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength),
      contentType: 'application/pdf',
    })),
  });
  const built = await composer.compile().build();
  return new Uint8Array(built.buffer, built.byteOffset, built.byteLength);
}
