import MailComposer from 'nodemailer/lib/mail-composer';
import { type Locale, t } from '../../shared/i18n/index.js';
import { buildWithOriginal } from './original-attachment.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The notice a sender gets when the next hop refused, for good, the copy Paraphe sent on their
 * behalf: who did not get it, what the server answered, and the refused message (whole when the
 * notice stays within `maxBytes`, else its headers). Auto-Submitted keeps responders quiet.
 */
export async function buildRefusalNotice(input: {
  locale: Locale;
  from: string;
  to: string;
  recipients: string;
  reply: string;
  original: Uint8Array;
  maxBytes: number;
  messageId: string;
  date: Date;
}): Promise<Uint8Array> {
  const { locale } = input;
  return buildWithOriginal(input.original, input.maxBytes, async (original) => {
    const paragraphs = [
      t(locale, 'mail.refusal.body', { recipients: input.recipients }),
      t(locale, 'mail.refusal.reply', { reply: input.reply }),
      t(locale, 'mail.refusal.advice'),
      t(locale, original.isWhole ? 'mail.refusal.attached' : 'mail.refusal.headersOnly'),
    ];
    const signature = t(locale, 'mail.refusal.signature');
    const html =
      `<!DOCTYPE html><html lang="${locale}"><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4">` +
      paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
      `<p style="color:#555">${escapeHtml(signature)}</p></body></html>`;
    const composer = new MailComposer({
      from: input.from,
      to: input.to,
      subject: t(locale, 'mail.refusal.subject', { recipients: input.recipients }),
      text: `${paragraphs.join('\n\n')}\n\n-- \n${signature}\n`,
      html,
      messageId: input.messageId,
      date: input.date,
      headers: { 'Auto-Submitted': 'auto-replied', 'Content-Language': locale },
      attachments: [original.attachment],
    });
    const built = await composer.compile().build();
    return new Uint8Array(built.buffer, built.byteOffset, built.byteLength);
  });
}
