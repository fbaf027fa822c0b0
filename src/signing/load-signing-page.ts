import type { Queryable } from '../db/index.js';
import {
  type Envelope,
  type EnvelopeDocument,
  type EnvelopeStatus,
  findSignerByToken,
  findSigningDetailsByToken,
  type Signer,
} from '../envelopes/index.js';
import { AppError } from '../shared/errors.js';

/** What the signer sees when they open their link. */
export type SigningState = 'your-turn' | 'not-yet' | 'signed' | 'declined' | 'expired' | 'cancelled';

export interface SigningView {
  state: SigningState;
  signer: Signer;
  envelope: Envelope;
  documents: EnvelopeDocument[];
  signers: Signer[];
  /** While not yet their turn: who holds it. */
  waitingFor: string | null;
  /** Signers who signed so far. */
  signedCount: number;
  /** The envelope's status as the signer must read it now (see `envelopeStatusAt`). */
  envelopeStatus: EnvelopeStatus;
}

/**
 * The envelope's status at `now`: a pending envelope past its expiry date is expired for the
 * signer even before the sweep has moved it, so the page never promises what can no longer happen.
 */
export function envelopeStatusAt(envelope: Envelope, now: Date): EnvelopeStatus {
  return envelope.status === 'pending' && envelope.expiresAt <= now ? 'expired' : envelope.status;
}

/** The state a signer is in, from their row and their envelope's. */
export function signingStateOf(signer: Signer, envelope: Envelope, now: Date): SigningState {
  const status = envelopeStatusAt(envelope, now);
  if (signer.status === 'signed') return 'signed';
  if (status === 'declined') return 'declined';
  if (status === 'cancelled') return 'cancelled';
  if (status === 'expired') return 'expired';
  if (signer.status === 'declined') return 'declined';
  if (signer.status === 'current' && status === 'pending') return 'your-turn';
  return 'not-yet';
}

/** The signer behind a link with everything the page shows, in one read (SIGNING_LINK_UNKNOWN for a bad token). */
export async function loadSigningPage(
  db: Queryable,
  input: { token: string; now: Date },
): Promise<SigningView> {
  const details = await findSigningDetailsByToken(db, input.token);
  if (!details) throw new AppError('SIGNING_LINK_UNKNOWN', 'unknown signing link');
  const { signer } = details;
  const current = details.signers.find((s) => s.status === 'current');
  return {
    state: signingStateOf(signer, details.envelope, input.now),
    signer,
    envelope: details.envelope,
    documents: details.documents,
    signers: details.signers,
    waitingFor: current && current.id !== signer.id ? current.address : null,
    signedCount: details.signers.filter((s) => s.status === 'signed').length,
    envelopeStatus: envelopeStatusAt(details.envelope, input.now),
  };
}

/**
 * The signer and envelope behind a link, refusing anything but "your turn" with the code that
 * explains why. One query: the code routes call it on every request.
 */
export async function loadSignerTurn(
  db: Queryable,
  input: { token: string; now: Date },
): Promise<{ signer: Signer; envelope: Envelope }> {
  const found = await findSignerByToken(db, input.token);
  if (!found) throw new AppError('SIGNING_LINK_UNKNOWN', 'unknown signing link');
  const state = signingStateOf(found.signer, found.envelope, input.now);
  if (state === 'your-turn') return found;
  if (state === 'not-yet') throw new AppError('SIGNING_NOT_YOUR_TURN', 'not this signer’s turn');
  throw new AppError('SIGNING_ENDED', `signing closed for this signer: ${state}`, { details: { state } });
}
