import type { Db } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import type { SmsMetrics } from './metrics.js';
import type { SmsSender, SmsSettings } from './types.js';

/** What the SMS use cases need; built once at start-up and shared by web, worker and CLI. */
export interface SmsDeps {
  db: Db;
  clock: Clock;
  ids: Ids;
  sender: SmsSender;
  settings: SmsSettings;
  /** The resolved OTP secret (`resolveOtpSecret`). */
  secret: string;
  metrics?: SmsMetrics;
  /** Six-digit code source; defaults to the CSPRNG. Tests may replace it. */
  generateCode?: () => string;
}
