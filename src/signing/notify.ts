import type { Queryable } from '../db/index.js';
import { type Envelope, issueSignerLink, type Signer } from '../envelopes/index.js';
import { enqueueOutgoingMail } from '../mail/outbound/index.js';
import { t } from '../shared/i18n/index.js';
import { composeMail } from './compose-mail.js';
import type { SigningDeps } from './deps.js';

type Deps = Pick<SigningDeps, 'blobs' | 'clock' | 'ids' | 'settings'>;

async function queue(
  tx: Queryable,
  deps: Deps,
  input: {
    envelope: Envelope;
    to: string;
    purpose: string;
    subjectKey: string;
    paragraphs: string[];
    params?: Record<string, string | number>;
  },
): Promise<string> {
  const locale = input.envelope.locale;
  const raw = await composeMail({
    from: deps.settings.notifyFrom,
    to: input.to,
    subject: t(locale, input.subjectKey, { subject: input.envelope.subject, ...input.params }),
    locale,
    paragraphs: [...input.paragraphs, t(locale, 'signing.mail.footer')],
    date: deps.clock.now(),
  });
  return enqueueOutgoingMail(tx, deps, {
    from: addressOf(deps.settings.notifyFrom),
    to: [input.to],
    raw,
    purpose: input.purpose,
    envelopeId: input.envelope.id,
  });
}

/** The bare address of "Name <addr>" (the SMTP envelope sender). */
export function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match?.[1] ?? from).trim();
}

/** "It is your turn": a fresh personal link for the signer who now holds the turn. */
export async function notifyTurn(
  tx: Queryable,
  deps: Deps,
  input: { envelope: Envelope; signer: Signer; purpose: 'turn' | 'reminder' },
): Promise<string> {
  const link = await issueSignerLink(tx, deps, {
    signerId: input.signer.id,
    envelopeId: input.envelope.id,
    purpose: input.purpose,
    publicUrl: deps.settings.publicUrl,
  });
  const locale = input.envelope.locale;
  const key = input.purpose === 'turn' ? 'signing.mail.turn' : 'signing.mail.reminder';
  return queue(tx, deps, {
    envelope: input.envelope,
    to: input.signer.address,
    purpose: `signing.${input.purpose}`,
    subjectKey: `${key}.subject`,
    paragraphs: [
      t(locale, `${key}.body`, { sender: input.envelope.senderAddress, subject: input.envelope.subject }),
      link.url,
      t(locale, 'signing.mail.linkPersonal'),
    ],
  });
}

/** The sender learns of each signature: "bob@… a signé — 2/3". */
export async function notifySignedProgress(
  tx: Queryable,
  deps: Deps,
  input: { envelope: Envelope; signer: Signer; signedCount: number; total: number },
): Promise<string> {
  const locale = input.envelope.locale;
  const params = { signer: input.signer.address, count: input.signedCount, total: input.total };
  return queue(tx, deps, {
    envelope: input.envelope,
    to: input.envelope.senderAddress,
    purpose: 'signing.progress',
    subjectKey: 'signing.mail.progress.subject',
    params,
    paragraphs: [
      t(locale, 'signing.mail.progress.body', { ...params, subject: input.envelope.subject }),
      t(
        locale,
        input.signedCount === input.total ? 'signing.mail.progress.sealing' : 'signing.mail.progress.next',
      ),
    ],
  });
}

/** A signer declined: the sender and those who already signed are told; nothing will be sealed. */
export async function notifyDeclined(
  tx: Queryable,
  deps: Deps,
  input: { envelope: Envelope; decliner: Signer; reason: string | null; alreadySigned: Signer[] },
): Promise<string[]> {
  const locale = input.envelope.locale;
  const paragraphs = [
    t(locale, 'signing.mail.declined.body', {
      signer: input.decliner.address,
      subject: input.envelope.subject,
    }),
    input.reason
      ? t(locale, 'signing.mail.declined.reason', { reason: input.reason })
      : t(locale, 'signing.mail.declined.noReason'),
    t(locale, 'signing.mail.declined.nothingSealed'),
  ];
  const recipients = [input.envelope.senderAddress, ...input.alreadySigned.map((s) => s.address)];
  const ids: string[] = [];
  for (const to of [...new Set(recipients)])
    ids.push(
      await queue(tx, deps, {
        envelope: input.envelope,
        to,
        purpose: 'signing.declined',
        subjectKey: 'signing.mail.declined.subject',
        params: { signer: input.decliner.address },
        paragraphs,
      }),
    );
  return ids;
}

/** The envelope ended without every signature (expired or cancelled): the sender is told. */
export async function notifyEnded(
  tx: Queryable,
  deps: Deps,
  input: { envelope: Envelope; how: 'expired' | 'cancelled'; signedCount: number; total: number },
): Promise<string> {
  const locale = input.envelope.locale;
  return queue(tx, deps, {
    envelope: input.envelope,
    to: input.envelope.senderAddress,
    purpose: `signing.${input.how}`,
    subjectKey: `signing.mail.${input.how}.subject`,
    paragraphs: [
      t(locale, `signing.mail.${input.how}.body`, {
        subject: input.envelope.subject,
        count: input.signedCount,
        total: input.total,
      }),
    ],
  });
}

/**
 * Everyone signed but the documents could not be sealed, for a reason a retry cannot cure: the
 * sender learns why and what happens next (the operator reseals after a fix, or cancels).
 */
export async function notifySealFailed(
  tx: Queryable,
  deps: Deps,
  input: { envelope: Envelope; reason: string },
): Promise<string> {
  const locale = input.envelope.locale;
  return queue(tx, deps, {
    envelope: input.envelope,
    to: input.envelope.senderAddress,
    purpose: 'signing.seal_failed',
    subjectKey: 'signing.mail.sealFailed.subject',
    paragraphs: [
      t(locale, 'signing.mail.sealFailed.body', { subject: input.envelope.subject }),
      t(locale, 'signing.mail.sealFailed.reason', { reason: input.reason }),
      t(locale, 'signing.mail.sealFailed.next'),
    ],
  });
}
