import { createHash } from 'node:crypto';
import { testMarker } from '../keys/index.js';
import { type SignatureReport, verifyPdf } from '../pdf/verify/index.js';
import { isAppError } from '../shared/errors.js';
import type { VerificationDeps } from './deps.js';
import { type EnvelopeMatch, findDocumentsByHash } from './find-documents-by-hash.js';

/** What the page says about an uploaded PDF. */
export type DocumentVerdict =
  | { status: 'too-large'; maxBytes: number }
  | { status: 'unreadable'; sha256: string }
  | { status: 'no-seal'; sha256: string; otherSignatures: number; envelopes: EnvelopeMatch[] }
  | {
      status: 'sealed';
      sha256: string;
      /** Nothing changed since the seal but what a seal allows after it (DSS, document timestamps). */
      isIntact: boolean;
      /** The seal certificate's subject. */
      sealedBy: string;
      /** When: the timestamp authority's time when there is one, else the time the seal claims. */
      sealedAt: Date | null;
      isTimeProven: boolean;
      isTrusted: boolean;
      /** Made with a test key (the dev CA): proves nothing outside this installation. */
      isTestKey: boolean;
      level: NonNullable<SignatureReport['pades']['level']> | null;
      envelopes: EnvelopeMatch[];
    };

/** Paraphe names its seal field "Paraphe seal" ("Paraphe seal 2" when the input had one already). */
const SEAL_FIELD = /^Paraphe seal( \d+)?$/;

/** A PDF date (D:YYYYMMDDHHmmSS+HH'mm') as a Date; null when it is not one. */
function pdfDate(value: string | undefined): Date | null {
  const m = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(value ?? '');
  if (!m) return null;
  const offset = m[8] ? `${m[8]}${m[9]}:${m[10]}` : 'Z';
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function timeOf(seal: SignatureReport): { sealedAt: Date | null; isTimeProven: boolean } {
  const stamped = seal.timestamp?.isValid && seal.timestamp.time ? new Date(seal.timestamp.time) : null;
  if (stamped && !Number.isNaN(stamped.getTime())) return { sealedAt: stamped, isTimeProven: true };
  return { sealedAt: pdfDate(seal.claimedTime), isTimeProven: false };
}

/**
 * Judges an uploaded PDF in memory (it is never stored): is there a Paraphe seal, who made it and
 * when, is the file intact since, is the seal trusted here, at which PAdES level, and which of our
 * envelopes it belongs to. The visitor holds the file, so the envelope is shown unmasked.
 */
export async function verifyDocument(
  deps: VerificationDeps,
  input: { pdfBytes: Uint8Array },
): Promise<DocumentVerdict> {
  if (input.pdfBytes.byteLength > deps.settings.maxPdfBytes)
    return { status: 'too-large', maxBytes: deps.settings.maxPdfBytes };
  const sha256 = createHash('sha256').update(input.pdfBytes).digest('hex');
  const trust = deps.getTrust();
  let signatures: SignatureReport[];
  try {
    // Offline: a public page must not make the server fetch URLs a visitor's file names.
    signatures = (await verifyPdf(input.pdfBytes, { trustRoots: trust.roots, now: deps.clock.now() }))
      .signatures;
  } catch (error) {
    if (isAppError(error) && error.code === 'PDF_VERIFY_UNREADABLE') return { status: 'unreadable', sha256 };
    throw error;
  }
  const envelopes = await findDocumentsByHash(deps.db, { sha256, hasFile: true });
  const seal = signatures
    .filter((s) => s.kind !== 'document-timestamp' && SEAL_FIELD.test(s.fieldName ?? ''))
    .at(-1);
  if (!seal) return { status: 'no-seal', sha256, otherSignatures: signatures.length, envelopes };
  const { isByteRangeValid, isDigestMatching, isSignatureValid } = seal.integrity;
  const isIntact =
    isByteRangeValid &&
    isDigestMatching &&
    isSignatureValid &&
    !seal.changes.some((c) => c.verdict === 'forbidden');
  const sealedBy = seal.signer ?? '';
  return {
    status: 'sealed',
    sha256,
    isIntact,
    sealedBy,
    ...timeOf(seal),
    isTrusted: seal.trust.isTrusted,
    isTestKey: (trust.isTest && seal.trust.isTrusted) || sealedBy.includes(testMarker),
    level: seal.pades.level ?? null,
    envelopes,
  };
}
