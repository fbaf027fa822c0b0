import { type Envelope, markEnvelopeSealFailed } from '../envelopes/index.js';
import type { AppError } from '../shared/errors.js';
import { hasMessage, t } from '../shared/i18n/index.js';
import type { SigningDeps } from './deps.js';
import { notifySealFailed } from './notify.js';

function numbersAndStrings(details: AppError['details']): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(details).filter((entry): entry is [string, string | number] =>
      ['string', 'number'].includes(typeof entry[1]),
    ),
  );
}

/**
 * The seal failed for good: the envelope moves `sealing` → `seal_failed` (conditional, so two
 * workers or a cancel racing it resolve to one outcome) and the sender is told why, once.
 * Returns false when the envelope was no longer sealing.
 */
export async function failSeal(
  deps: SigningDeps,
  input: { envelope: Envelope; error: AppError },
): Promise<boolean> {
  const locale = input.envelope.locale;
  const key = input.error.userMessage;
  const reason = hasMessage(key) ? t(locale, key, numbersAndStrings(input.error.details)) : input.error.code;
  const outboxId = await deps.db.transaction(async (tx) => {
    const isMoved = await markEnvelopeSealFailed(tx, deps, {
      envelopeId: input.envelope.id,
      code: input.error.code,
    });
    return isMoved ? notifySealFailed(tx, deps, { envelope: input.envelope, reason }) : null;
  });
  if (outboxId) deps.deliverSoon?.([outboxId]);
  return outboxId !== null;
}
