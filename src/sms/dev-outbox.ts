import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { Ids } from '../shared/ids.js';
import type { OutgoingSms, SmsSender } from './types.js';

export interface DevSms {
  id: string;
  toNumber: string;
  senderId: string;
  body: string;
  createdAt: Date;
}

/** The dev outbox: SMS kept in the database and shown at /dev/sms instead of being sent. */
export function devSmsSender(deps: { db: Queryable; clock: Clock; ids: Ids }): SmsSender {
  return {
    name: 'dev',
    async send(sms: OutgoingSms) {
      const id = deps.ids.uuid();
      await deps.db.query(
        'INSERT INTO dev_sms (id, to_number, sender_id, body, created_at) VALUES ($1, $2, $3, $4, $5)',
        [id, sms.toNumber, sms.senderId, sms.body, deps.clock.now()],
      );
      return { providerMessageId: `dev-${id}` };
    },
  };
}

/** Newest first. */
export async function listDevSms(db: Queryable, options: { limit?: number } = {}): Promise<DevSms[]> {
  const { rows } = await db.query<{
    id: string;
    to_number: string;
    sender_id: string;
    body: string;
    created_at: Date;
  }>('SELECT * FROM dev_sms ORDER BY created_at DESC, id DESC LIMIT $1', [options.limit ?? 200]);
  return rows.map((r) => ({
    id: r.id,
    toNumber: r.to_number,
    senderId: r.sender_id,
    body: r.body,
    createdAt: r.created_at,
  }));
}
