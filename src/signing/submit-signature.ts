import { z } from 'zod';
import { recordAuditEvent } from '../audit/index.js';
import { chargeSignature } from '../billing/index.js';
import { completeSignerTurn, type EnvelopeDocument } from '../envelopes/index.js';
import { enqueueJob } from '../jobs/index.js';
import { AppError } from '../shared/errors.js';
import { findPhoneConfirmation } from '../sms/index.js';
import type { SigningDeps } from './deps.js';
import { documentPageSizes } from './document-pages.js';
import { loadSigningPage } from './load-signing-page.js';
import { notifySignedProgress, notifyTurn } from './notify.js';
import { SEAL_JOB } from './seal-job-kind.js';
import { normaliseSignatureImage } from './signature-image.js';

/** Stamp size limits in points: legible, and never covering a whole page. */
export const PLACEMENT_LIMITS = {
  minWidth: 40,
  maxWidth: 320,
  minHeight: 16,
  maxHeight: 160,
  maxPerDocument: 20,
};

export const PlacementSchema = z.object({
  documentId: z.string().uuid(),
  page: z.number().int().min(1),
  x: z.number().finite().min(0),
  y: z.number().finite().min(0),
  width: z.number().finite(),
  height: z.number().finite(),
});
export type Placement = z.infer<typeof PlacementSchema>;

export interface SubmitSignatureInput {
  token: string;
  imagePng: Uint8Array;
  method: 'drawn' | 'typed';
  placements: Placement[];
  isConsentGiven: boolean;
  ip: string | null;
  userAgent: string | null;
}

export type SubmitSignatureResult =
  | { status: 'signed'; signedCount: number; total: number; isLast: boolean }
  /** A second submit (double click, retry): the first one counted, nothing changes. */
  | { status: 'already-signed' };

// Rounding of CSS pixels in the browser may overshoot a page edge by a hair.
const EDGE_SLACK = 1;

async function checkPlacements(
  deps: SigningDeps,
  documents: EnvelopeDocument[],
  placements: Placement[],
): Promise<void> {
  const bad = (why: string) => new AppError('SIGNING_PLACEMENT_INVALID', `placement refused: ${why}`);
  const L = PLACEMENT_LIMITS;
  for (const doc of documents) {
    const mine = placements.filter((p) => p.documentId === doc.id);
    if (mine.length === 0)
      throw new AppError('SIGNING_PLACEMENT_MISSING', `no placement on document ${doc.position}`, {
        details: { document: doc.fileName },
      });
    if (mine.length > L.maxPerDocument) throw bad(`${mine.length} placements on one document`);
    const pages = await documentPageSizes(deps.blobs, doc.sha256);
    for (const p of mine) {
      const page = pages[p.page - 1];
      if (!page) throw bad(`page ${p.page} of ${pages.length}`);
      if (p.width < L.minWidth || p.width > L.maxWidth || p.height < L.minHeight || p.height > L.maxHeight)
        throw bad(`size ${p.width}x${p.height}`);
      if (p.x + p.width > page.width + EDGE_SLACK || p.y + p.height > page.height + EDGE_SLACK)
        throw bad('outside the page');
    }
  }
  const known = new Set(documents.map((d) => d.id));
  if (placements.some((p) => !known.has(p.documentId))) throw bad('unknown document');
}

/**
 * Records the signer's Signature and passes the turn on. Checks, in order: the link and the turn,
 * consent, the image (decoded, not blank; stored as we re-encoded it, cropped to its ink), the placements (at least one per document, on a real page, within limits),
 * and a code confirmed moments ago. One transaction stores the Signature, moves the turn
 * (conditional update: a double submit signs once), writes the audit events and queues what
 * follows — the next signer's mail or the seal job, and the sender's progress mail.
 */
export async function submitSignature(
  deps: SigningDeps,
  input: SubmitSignatureInput,
): Promise<SubmitSignatureResult> {
  const now = deps.clock.now();
  const view = await loadSigningPage(deps.db, { token: input.token, now });
  if (view.state === 'signed') return { status: 'already-signed' };
  if (view.state === 'not-yet') throw new AppError('SIGNING_NOT_YOUR_TURN', 'not this signer’s turn');
  if (view.state !== 'your-turn')
    throw new AppError('SIGNING_ENDED', `signing closed: ${view.state}`, { details: { state: view.state } });
  if (!input.isConsentGiven) throw new AppError('SIGNING_CONSENT_REQUIRED', 'consent box not ticked');
  const imagePng = normaliseSignatureImage(input.imagePng).pngBytes;
  await checkPlacements(deps, view.documents, input.placements);
  const confirmation = await findPhoneConfirmation(deps.db, { signerId: view.signer.id });
  if (!confirmation) throw new AppError('SIGNING_CODE_REQUIRED', 'no code confirmed for this signer');
  // A code confirmed long ago is told apart from none at all: the signer did confirm, and must
  // hear that it is the age of that confirmation, not a missing step, that stops them.
  if (confirmation.confirmedAt.getTime() < now.getTime() - deps.settings.codeFreshSeconds * 1000)
    throw new AppError('SIGNING_CODE_STALE', 'the confirmed code is too old', {
      details: { minutes: Math.round(deps.settings.codeFreshSeconds / 60) },
    });
  const image = await deps.blobs.put(imagePng);

  const outboxIds: string[] = [];
  const result = await deps.db.transaction(async (tx): Promise<SubmitSignatureResult> => {
    const inserted = await tx.query<{ signer_id: string }>(
      `INSERT INTO signatures (signer_id, envelope_id, image_sha256, placements, method, phone_e164,
         otp_challenge_id, code_confirmed_at, ip, user_agent, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (signer_id) DO NOTHING RETURNING signer_id`,
      [
        view.signer.id,
        view.envelope.id,
        image.sha256,
        JSON.stringify(input.placements),
        input.method,
        confirmation.phoneE164,
        confirmation.challengeId,
        confirmation.confirmedAt,
        input.ip,
        input.userAgent,
        now,
      ],
    );
    // The row exists already: a concurrent submit won and signed; this one changes nothing.
    if (!inserted.rows[0]) return { status: 'already-signed' };
    await recordAuditEvent(tx, deps, {
      type: 'signature.recorded',
      actor: 'signer',
      envelopeId: view.envelope.id,
      signerId: view.signer.id,
      ip: input.ip,
      userAgent: input.userAgent,
      data: {
        method: input.method,
        imageSha256: image.sha256,
        placements: input.placements.map((p) => ({ documentId: p.documentId, page: p.page })),
        otpChallengeId: confirmation.challengeId,
      },
    });
    const turn = await completeSignerTurn(tx, deps, {
      signerId: view.signer.id,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    // Same transaction as the Signature: a signature received is charged exactly when it exists.
    await chargeSignature(tx, deps.billing, {
      accountId: view.envelope.accountId,
      envelopeId: view.envelope.id,
      signerId: view.signer.id,
    });
    const total = view.signers.length;
    const signedCount = view.signedCount + 1;
    outboxIds.push(
      await notifySignedProgress(tx, deps, {
        envelope: view.envelope,
        signer: view.signer,
        signedCount,
        total,
      }),
    );
    if (turn.outcome === 'next') {
      outboxIds.push(
        await notifyTurn(tx, deps, { envelope: view.envelope, signer: turn.nextSigner, purpose: 'turn' }),
      );
    } else {
      await enqueueJob(tx, deps, {
        kind: SEAL_JOB,
        payload: { envelopeId: view.envelope.id },
        dedupeKey: `${SEAL_JOB}:${view.envelope.id}`,
        maxAttempts: 20,
      });
    }
    return { status: 'signed', signedCount, total, isLast: turn.outcome === 'all-signed' };
  });
  if (outboxIds.length > 0) deps.deliverSoon?.(outboxIds);
  return result;
}
