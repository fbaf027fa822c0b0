import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';

/** One line of an envelope's evidence trail. `data` must hold no secret (codes, tokens). */
export interface AuditEventInput {
  type: string;
  actor: 'system' | 'sender' | 'signer' | 'operator';
  envelopeId?: string | null;
  signerId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'data'>> {
  id: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Appends an audit event inside the caller's transaction, so the event exists exactly when the
 * state change it describes does.
 */
export async function recordAuditEvent(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  event: AuditEventInput,
): Promise<string> {
  const id = deps.ids.uuid();
  await tx.query(
    `INSERT INTO audit_events (id, envelope_id, signer_id, type, actor, ip, user_agent, data, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      event.envelopeId ?? null,
      event.signerId ?? null,
      event.type,
      event.actor,
      event.ip ?? null,
      event.userAgent ?? null,
      JSON.stringify(event.data ?? {}),
      deps.clock.now(),
    ],
  );
  return id;
}

/** The trail of one envelope, oldest first. */
export async function listAuditEvents(db: Queryable, envelopeId: string): Promise<AuditEvent[]> {
  const { rows } = await db.query<{
    id: string;
    envelope_id: string | null;
    signer_id: string | null;
    type: string;
    actor: AuditEvent['actor'];
    ip: string | null;
    user_agent: string | null;
    data: Record<string, unknown>;
    created_at: Date;
  }>('SELECT * FROM audit_events WHERE envelope_id = $1 ORDER BY seq', [envelopeId]);
  return rows.map((r) => ({
    id: r.id,
    envelopeId: r.envelope_id,
    signerId: r.signer_id,
    type: r.type,
    actor: r.actor,
    ip: r.ip,
    userAgent: r.user_agent,
    data: r.data,
    createdAt: r.created_at,
  }));
}
