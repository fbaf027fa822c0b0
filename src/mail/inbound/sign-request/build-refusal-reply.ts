import MailComposer from 'nodemailer/lib/mail-composer';
import { type Locale, t } from '../../../shared/i18n/index.js';
import { buildWithOriginal } from '../../outbound/index.js';

/** One reason a *SIGN message could not become an envelope, with what the text needs. */
export interface SignRequestProblem {
  code: string;
  params: Record<string, string | number>;
}

/**
 * The reply to a sender whose *SIGN message was refused: every problem named (with its file), the
 * original message attached as message/rfc822 so nothing is lost, or only its headers when the
 * whole would make the reply larger than `maxBytes` (the explanation must arrive). Auto-Submitted
 * marks it as an automatic reply so that no vacation responder answers it.
 */
export async function buildRefusalReply(input: {
  locale: Locale;
  from: string;
  to: string;
  subject: string;
  marker: string;
  problems: SignRequestProblem[];
  original: Uint8Array;
  /** The largest message the next hop takes. */
  maxBytes: number;
  inReplyTo: string | null;
  messageId: string;
  date: Date;
}): Promise<Uint8Array> {
  const { locale } = input;
  const subject = input.subject || t(locale, 'envelopes.refusal.noSubject');
  const numbers = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  const format = (params: SignRequestProblem['params']) =>
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? numbers.format(v) : v]),
    );
  const lines = input.problems.map((p) => t(locale, `error.${p.code}`, format(p.params)));
  const intro = t(locale, 'envelopes.refusal.intro', { subject });
  const outro = t(locale, 'envelopes.refusal.outro', { marker: input.marker });
  const signature = t(locale, 'envelopes.refusal.signature');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return buildWithOriginal(input.original, input.maxBytes, async (original) => {
    const attached = t(
      locale,
      original.isWhole ? 'envelopes.refusal.originalAttached' : 'envelopes.refusal.originalHeadersOnly',
    );
    const text = [
      intro,
      '',
      ...lines.map((l) => `- ${l}`),
      '',
      `${outro} ${attached}`,
      '',
      `-- `,
      signature,
      '',
    ].join('\n');
    const html =
      `<!DOCTYPE html><html lang="${locale}"><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.4">` +
      `<p>${esc(intro)}</p><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul><p>${esc(outro)} ${esc(attached)}</p>` +
      `<p style="color:#555">${esc(signature)}</p></body></html>`;
    const composer = new MailComposer({
      from: input.from,
      to: input.to,
      subject: t(locale, 'envelopes.refusal.subject', { subject }),
      text,
      html,
      messageId: input.messageId,
      date: input.date,
      inReplyTo: input.inReplyTo ?? undefined,
      references: input.inReplyTo ?? undefined,
      headers: { 'Auto-Submitted': 'auto-replied', 'Content-Language': locale },
      attachments: [original.attachment],
    });
    const built = await composer.compile().build();
    return new Uint8Array(built.buffer, built.byteOffset, built.byteLength);
  });
}
