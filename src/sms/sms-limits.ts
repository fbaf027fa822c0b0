import type { Queryable } from '../db/index.js';
import type { SmsDeps } from './deps.js';

export type SmsLimitName =
  | 'signer_hour'
  | 'envelope_day'
  | 'account_hour'
  | 'account_day'
  | 'global_hour'
  | 'global_day';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The first SMS limit a new code for this signer would break, with the seconds until it frees up;
 * null when none. Counts every code SMS recorded (sent or not): attempts cost and must be capped.
 */
export async function findExceededLimit(
  tx: Queryable,
  deps: Pick<SmsDeps, 'clock' | 'settings'>,
  input: { signerId: string; envelopeId: string; accountId: string },
): Promise<{ limit: SmsLimitName; retryAfterSeconds: number } | null> {
  const now = deps.clock.now();
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const limits = deps.settings.limits;
  // Each window: who it covers, how far back, its maximum. Counted in one pass over the last day.
  const windows: { name: SmsLimitName; scope: string; since: Date; max: number }[] = [
    { name: 'signer_hour', scope: 'signer_id = $3', since: hourAgo, max: limits.maxPerSignerPerHour },
    { name: 'envelope_day', scope: 'envelope_id = $4', since: dayAgo, max: limits.maxPerEnvelopePerDay },
    { name: 'account_hour', scope: 'account_id = $5', since: hourAgo, max: limits.maxPerAccountPerHour },
    { name: 'account_day', scope: 'account_id = $5', since: dayAgo, max: limits.maxPerAccountPerDay },
    { name: 'global_hour', scope: 'TRUE', since: hourAgo, max: limits.maxGlobalPerHour },
    { name: 'global_day', scope: 'TRUE', since: dayAgo, max: limits.maxGlobalPerDay },
  ];
  const columns = windows.map(
    (w) =>
      `count(*) FILTER (WHERE ${w.scope} AND created_at > $${w.since === hourAgo ? 1 : 2})::int AS ${w.name},
       min(created_at) FILTER (WHERE ${w.scope} AND created_at > $${w.since === hourAgo ? 1 : 2}) AS ${w.name}_oldest`,
  );
  const { rows } = await tx.query<Record<string, number | Date | null>>(
    `SELECT ${columns.join(', ')} FROM sms_messages WHERE purpose = 'otp' AND created_at > $2`,
    [hourAgo, dayAgo, input.signerId, input.envelopeId, input.accountId],
  );
  const counts = rows[0] ?? {};
  for (const w of windows) {
    if (Number(counts[w.name] ?? 0) < w.max) continue;
    const oldest = counts[`${w.name}_oldest`];
    const windowMs = w.since === hourAgo ? HOUR_MS : DAY_MS;
    // The count drops below the limit when the oldest counted SMS leaves the window.
    const freeAt = oldest ? new Date(oldest).getTime() + windowMs : now.getTime() + windowMs;
    return { limit: w.name, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000)) };
  }
  return null;
}
