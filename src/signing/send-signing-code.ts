import type { Locale } from '../shared/i18n/index.js';
import { type CheckCodeResult, checkCode, type RequestCodeResult, requestCode } from '../sms/index.js';
import type { SigningDeps } from './deps.js';
import { loadSignerTurn } from './load-signing-page.js';

/**
 * Sends a one-time code to the phone the signer typed, only while it is their turn. The SMS
 * rules (mobiles only, 30 s between sends, 5 per hour, 10 minutes validity) are the SMS domain's.
 */
export async function sendSigningCode(
  deps: SigningDeps,
  input: { token: string; phone: string; locale: Locale; ip: string | null; userAgent: string | null },
): Promise<RequestCodeResult> {
  const view = await loadSignerTurn(deps.db, { token: input.token, now: deps.clock.now() });
  return requestCode(deps.sms, {
    signerId: view.signer.id,
    envelopeId: view.envelope.id,
    accountId: view.envelope.accountId,
    phone: input.phone,
    locale: input.locale,
    ip: input.ip,
    userAgent: input.userAgent,
  });
}

/** Checks the code the signer typed (5 attempts per code), only while it is their turn. */
export async function checkSigningCode(
  deps: SigningDeps,
  input: { token: string; code: string; ip: string | null; userAgent: string | null },
): Promise<CheckCodeResult> {
  const view = await loadSignerTurn(deps.db, { token: input.token, now: deps.clock.now() });
  return checkCode(deps.sms, {
    signerId: view.signer.id,
    code: input.code,
    ip: input.ip,
    userAgent: input.userAgent,
  });
}
