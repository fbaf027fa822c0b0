import type { Queryable } from '../db/index.js';
import {
  type Envelope,
  getEnvelope,
  listExpiredEnvelopes,
  reopenEnvelopeSeal,
  type Signer,
} from '../envelopes/index.js';
import { enqueueJob } from '../jobs/index.js';
import { isAppError } from '../shared/errors.js';
import { endSigning } from './cancel-envelope.js';
import type { SigningDeps } from './deps.js';
import { purgeRateCounters } from './hit-rate-limit.js';
import { notifyTurn } from './notify.js';
import { SEAL_JOB } from './seal-job-kind.js';

const DAY_MS = 86_400_000;

/** Pending envelopes past their expiry date end `expired`; each sender is told. */
export async function expireEnvelopes(deps: SigningDeps): Promise<number> {
  const ids = await listExpiredEnvelopes(deps.db, { now: deps.clock.now(), limit: 100 });
  let count = 0;
  for (const envelopeId of ids) {
    try {
      await endSigning(deps, { envelopeId, how: 'expired', actor: 'system' });
      count++;
    } catch (error) {
      // Signed or cancelled meanwhile: nothing to expire.
      if (!isAppError(error, 'ENVELOPE_STATE_CONFLICT')) throw error;
    }
  }
  return count;
}

/**
 * The signer holding the turn is reminded `reminderAfterDays` after their turn began, then every
 * `reminderEveryDays`, at most `reminderMax` times, each time with a fresh link. The counter is
 * moved by a conditional upsert, so two sweeps never send the same reminder twice.
 */
export async function remindSigners(deps: SigningDeps): Promise<number> {
  const now = deps.clock.now();
  const s = deps.settings;
  if (s.reminderMax === 0) return 0;
  const firstCutoff = new Date(now.getTime() - s.reminderAfterDays * DAY_MS);
  const againCutoff = new Date(now.getTime() - s.reminderEveryDays * DAY_MS);
  const { rows } = await deps.db.query<{ id: string; envelope_id: string }>(
    `SELECT s.id, s.envelope_id FROM signers s
     JOIN envelopes e ON e.id = s.envelope_id
     LEFT JOIN signing_reminders r ON r.signer_id = s.id
     WHERE s.status = 'current' AND e.status = 'pending' AND e.expires_at > $1
       AND s.turn_started_at <= $2
       AND (r.signer_id IS NULL OR (r.sent_count < $4 AND r.last_sent_at <= $3))
     LIMIT 200`,
    [now, firstCutoff, againCutoff, s.reminderMax],
  );
  let sent = 0;
  for (const row of rows) {
    const details = await getEnvelope(deps.db, row.envelope_id);
    const signer = details.signers.find((x: Signer) => x.id === row.id);
    if (!signer) continue;
    const outboxId = await deps.db.transaction(async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO signing_reminders (signer_id, sent_count, last_sent_at) VALUES ($1, 1, $2)
         ON CONFLICT (signer_id) DO UPDATE SET sent_count = signing_reminders.sent_count + 1, last_sent_at = $2
         WHERE signing_reminders.sent_count < $3 AND signing_reminders.last_sent_at <= $4
         RETURNING sent_count`,
        [row.id, now, s.reminderMax, againCutoff],
      );
      if (!claimed.rows[0]) return null;
      return notifyTurn(tx, deps, { envelope: details.envelope as Envelope, signer, purpose: 'reminder' });
    });
    if (outboxId) {
      sent++;
      deps.deliverSoon?.([outboxId]);
    }
  }
  return sent;
}

// A fresh dedupe key each time: the envelope's earlier seal jobs may have failed.
function enqueueSealAgain(tx: Queryable, deps: SigningDeps, envelopeId: string): Promise<string> {
  return enqueueJob(tx, deps, {
    kind: SEAL_JOB,
    payload: { envelopeId },
    dedupeKey: `${SEAL_JOB}:${envelopeId}:${deps.ids.uuid()}`,
    maxAttempts: 20,
  });
}

/** Enqueues the seal job again for an envelope `sealing` for too long with no live seal job. */
export async function requeueSeal(deps: SigningDeps, input: { envelopeId: string }): Promise<string> {
  return deps.db.transaction((tx) => enqueueSealAgain(tx, deps, input.envelopeId));
}

/**
 * Operators' `reseal`: an envelope whose seal failed for good (after the cause was fixed) or one
 * stuck in `sealing` goes (back) to `sealing` and, unless the caller seals it in its own process
 * (`isQueued: false`), gets a fresh seal job in the same transaction. Returns the job's id.
 * ENVELOPE_STATE_CONFLICT for any other status.
 */
export async function resealEnvelope(
  deps: SigningDeps,
  input: { envelopeId: string; isQueued: boolean },
): Promise<string | null> {
  return deps.db.transaction(async (tx) => {
    await reopenEnvelopeSeal(tx, deps, { envelopeId: input.envelopeId });
    return input.isQueued ? enqueueSealAgain(tx, deps, input.envelopeId) : null;
  });
}

/**
 * Envelopes stuck in `sealing` (their job failed or vanished) get a new seal job. `seal_failed`
 * ones are left alone: their failure is permanent, and only an operator's reseal retries them.
 */
export async function sweepStuckSeals(deps: SigningDeps): Promise<string[]> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.settings.sealStuckMinutes * 60_000);
  const { rows } = await deps.db.query<{ id: string }>(
    `SELECT e.id FROM envelopes e
     WHERE e.status = 'sealing' AND e.updated_at <= $1
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = $2 AND j.payload->>'envelopeId' = e.id::text
                       AND j.status IN ('queued', 'running'))
     LIMIT 50`,
    [cutoff, SEAL_JOB],
  );
  for (const row of rows) await requeueSeal(deps, { envelopeId: row.id });
  return rows.map((r) => r.id);
}

/** Everything the periodic `signing.sweep` job does. */
export async function sweepSigning(
  deps: SigningDeps,
): Promise<{ expired: number; reminded: number; resealed: number }> {
  const expired = await expireEnvelopes(deps);
  const reminded = await remindSigners(deps);
  const resealed = (await sweepStuckSeals(deps)).length;
  await purgeRateCounters(deps.db, { before: new Date(deps.clock.now().getTime() - 3_600_000) });
  return { expired, reminded, resealed };
}
