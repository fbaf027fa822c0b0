import { recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import type { Clock } from '../shared/clock.js';
import { hashToken, type Ids } from '../shared/ids.js';

/** The public path of the signing page for a token. */
export function signingUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/s/${token}`;
}

/**
 * A new personal link for a signer (their copy of the message, "your turn", a reminder). The
 * token is returned in clear this once and stored only as its hash, so the database alone never
 * opens a signing page.
 */
export async function issueSignerLink(
  tx: Queryable,
  deps: { clock: Clock; ids: Ids },
  input: { signerId: string; envelopeId: string; purpose: string; publicUrl: string },
): Promise<{ token: string; url: string }> {
  const token = deps.ids.token();
  await tx.query(
    'INSERT INTO signer_links (token_hash, signer_id, purpose, created_at) VALUES ($1, $2, $3, $4)',
    [hashToken(token), input.signerId, input.purpose, deps.clock.now()],
  );
  await recordAuditEvent(tx, deps, {
    type: 'signer.link_issued',
    actor: 'system',
    envelopeId: input.envelopeId,
    signerId: input.signerId,
    data: { purpose: input.purpose },
  });
  return { token, url: signingUrl(input.publicUrl, token) };
}
