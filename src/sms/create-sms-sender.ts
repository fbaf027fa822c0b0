import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import { devSmsSender } from './dev-outbox.js';
import { ovhSmsSender } from './providers/ovh.js';
import { twilioSmsSender } from './providers/twilio.js';
import type { SmsSender, SmsSettings } from './types.js';

/**
 * The sender PARAPHE_SMS_PROVIDER names. Throws CONFIG_INVALID when the chosen provider lacks
 * credentials, so a misconfigured production fails at start-up, not at a signer's first code.
 */
export function createSmsSender(
  settings: SmsSettings,
  deps: { db: Queryable; clock: Clock; ids: Ids },
): SmsSender {
  switch (settings.provider) {
    case 'dev':
      return devSmsSender(deps);
    case 'twilio':
      return twilioSmsSender({ ...settings.twilio, timeoutMs: settings.httpTimeoutMs });
    case 'ovh':
      return ovhSmsSender({ ...settings.ovh, timeoutMs: settings.httpTimeoutMs, clock: deps.clock });
  }
}
