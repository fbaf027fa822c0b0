import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';

/**
 * Every kind of event the trail records. A closed list, so each has a label on the evidence page
 * (`audit.event.<type>` in the i18n catalogue) and a new kind cannot be recorded without one.
 */
export const AUDIT_EVENT_TYPES = [
  'envelope.created',
  'envelope.copies_queued',
  'envelope.all_signed',
  'envelope.sealed',
  'envelope.completed',
  'envelope.declined',
  'envelope.cancelled',
  'envelope.expired',
  'sign_request.refused',
  'signer.link_issued',
  'signer.turn_started',
  'signer.signed',
  'signature.recorded',
  'sms.code.requested',
  'sms.code.refused',
  'sms.code.sent',
  'sms.code.send_failed',
  'sms.code.abandoned',
  'sms.code.wrong',
  'sms.code.confirmed',
  'sms.code.check_refused',
  'sms.code.expired',
  'sms.code.locked',
  'sms.delivery',
  'envelope.seal_failed',
  'envelope.reseal_requested',
  'account.credited',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_ACTORS = ['system', 'sender', 'signer', 'operator'] as const;

/** One line of an envelope's evidence trail. `data` must hold no secret (codes, tokens). */
export interface AuditEventInput {
  type: AuditEventType;
  actor: (typeof AUDIT_ACTORS)[number];
  envelopeId?: string | null;
  signerId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends Required<Omit<AuditEventInput, 'data' | 'type'>> {
  /** As stored: a kind this version no longer records still reads back. */
  type: string;
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
