import { listAuditEvents, recordAuditEvent } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { type EnvelopeDetails, getEnvelope, markEnvelopeCompleted } from '../envelopes/index.js';
import { extendLtv } from '../keys/index.js';
import { enqueueOutgoingMail } from '../mail/outbound/index.js';
import { type Evidence, newestTimestampExpiry, type Stamp, sealDocument } from '../pdf/index.js';
import { AppError, isPermanentError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { hashToken } from '../shared/ids.js';
import { maskPhoneNumber } from '../sms/index.js';
import { composeMail } from './compose-mail.js';
import type { SigningDeps } from './deps.js';
import { failSeal } from './fail-seal.js';
import { addressOf } from './notify.js';
import type { Placement } from './submit-signature.js';

interface SignatureRow {
  signer_id: string;
  image_sha256: string;
  placements: Placement[];
  phone_e164: string;
  code_confirmed_at: Date;
  ip: string | null;
  user_agent: string | null;
  signed_at: Date;
}

interface SealedRow {
  document_id: string;
  sha256: string;
  size_bytes: number;
}

function evidenceOf(
  details: EnvelopeDetails,
  signatures: SignatureRow[],
  events: Evidence['events'],
): Evidence {
  const bySigner = new Map(signatures.map((s) => [s.signer_id, s]));
  return {
    envelopeId: details.envelope.id,
    documents: details.documents.map((d) => ({ name: d.fileName, sha256: d.sha256 })),
    sender: { name: null, email: details.envelope.senderAddress },
    signers: details.signers.flatMap((signer) => {
      const sig = bySigner.get(signer.id);
      if (!sig) return [];
      return [
        {
          name: signer.displayName ?? signer.address,
          email: signer.address,
          phoneMasked: maskPhoneNumber(sig.phone_e164),
          codeConfirmedAt: new Date(sig.code_confirmed_at),
          ip: sig.ip,
          userAgent: sig.user_agent,
          signedAt: new Date(sig.signed_at),
          placements: details.documents
            .map((d) => ({
              documentName: d.fileName,
              pages: [
                ...new Set(sig.placements.filter((p) => p.documentId === d.id).map((p) => p.page)),
              ].sort((a, b) => a - b),
            }))
            .filter((p) => p.pages.length > 0),
        },
      ];
    }),
    events,
  };
}

async function sealOne(
  deps: SigningDeps,
  input: { details: EnvelopeDetails; documentIndex: number; signatures: SignatureRow[]; evidence: Evidence },
): Promise<SealedRow> {
  const doc = input.details.documents[input.documentIndex];
  if (!doc) throw new Error(`document ${input.documentIndex} missing`);
  const images = new Map<string, Uint8Array>();
  const stamps: Stamp[] = [];
  for (const sig of input.signatures) {
    const signer = input.details.signers.find((s) => s.id === sig.signer_id);
    let image = images.get(sig.image_sha256);
    if (!image) {
      image = await deps.blobs.get(sig.image_sha256);
      images.set(sig.image_sha256, image);
    }
    for (const p of sig.placements.filter((pl) => pl.documentId === doc.id))
      stamps.push({
        page: p.page,
        rect: { x: p.x, y: p.y, width: p.width, height: p.height },
        imagePng: image,
        signerName: signer?.displayName ?? signer?.address ?? '',
        signedAt: new Date(sig.signed_at),
      });
  }
  const key = await deps.seal.getKey();
  const locale = deps.seal.locale;
  const { level } = deps.seal;
  const timestamp = level === 'B-B' ? undefined : deps.seal.timestamp;
  const sealed = await sealDocument({
    pdfBytes: await deps.blobs.get(doc.sha256),
    fileName: doc.fileName,
    stamps,
    // Per document: the page looks up this original's hash (the sealed one is not known yet).
    evidence: { ...input.evidence, verificationUrl: verificationUrl(deps.settings.publicUrl, doc.sha256) },
    seal: {
      key,
      reason: deps.seal.reason(locale),
      location: deps.seal.location,
      contactInfo: deps.seal.contactInfo,
      docMdpPermissions: deps.seal.docMdpPermissions,
      ...(timestamp ? { timestamp } : {}),
      locale,
      signingTime: deps.clock.now(),
    },
  });
  let pdfBytes = sealed.pdfBytes;
  if (level === 'B-LT' || level === 'B-LTA') {
    // Right after the signature timestamp, as PAdES wants; a failure throws and the job retries.
    const extended = await extendLtv(pdfBytes, {
      level,
      ...(timestamp ? { timestamp } : {}),
      extraCertificates: [key.certificate, ...key.chain],
      ...(deps.seal.fetchRevocation ? { fetchRevocation: deps.seal.fetchRevocation } : {}),
    });
    pdfBytes = extended.pdfBytes;
  }
  const blob = await deps.blobs.put(pdfBytes);
  // Only long-term seals are kept up: the renewal job re-timestamps them before this date.
  const ltvExpiresAt =
    level === 'B-LT' || level === 'B-LTA' ? ((await newestTimestampExpiry(pdfBytes)) ?? null) : null;
  await deps.db.query(
    `INSERT INTO sealed_documents (document_id, envelope_id, sha256, size_bytes, kind, created_at, ltv_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_id) DO NOTHING`,
    [doc.id, doc.envelopeId, blob.sha256, blob.sizeBytes, sealed.kind, deps.clock.now(), ltvExpiresAt],
  );
  const { rows } = await deps.db.query<SealedRow>(
    'SELECT document_id, sha256, size_bytes FROM sealed_documents WHERE document_id = $1',
    [doc.id],
  );
  if (!rows[0]) throw new Error(`sealed document ${doc.id} not recorded`);
  return rows[0];
}

/** The public verification page for a document, by the SHA-256 of its original. */
export function verificationUrl(publicUrl: string, originalSha256: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/verifier?sha256=${originalSha256}`;
}

/** A sealed file's name: "contrat.pdf" → "contrat-signe.pdf" / "contrat-signed.pdf". */
export function sealedFileName(fileName: string, locale: 'fr' | 'en'): string {
  const base = fileName.replace(/\.pdf$/i, '');
  return `${base}-${locale === 'fr' ? 'signe' : 'signed'}.pdf`;
}

async function queueCompletionMails(
  tx: Queryable,
  deps: SigningDeps,
  input: { details: EnvelopeDetails; sealed: SealedRow[]; files: Map<string, Uint8Array> },
): Promise<string[]> {
  const { envelope, documents, signers } = input.details;
  const locale = envelope.locale;
  const totalBytes = input.sealed.reduce((n, s) => n + Number(s.size_bytes), 0);
  const isAttached = totalBytes <= deps.settings.sealedAttachMaxBytes;
  const recipients = [...new Set([envelope.senderAddress, ...signers.map((s) => s.address)])];
  const ids: string[] = [];
  for (const to of recipients) {
    const paragraphs = [
      t(locale, 'signing.mail.completed.body', { subject: envelope.subject, count: signers.length }),
      t(locale, isAttached ? 'signing.mail.completed.attached' : 'signing.mail.completed.linked', {
        limitMb: Math.round(deps.settings.sealedAttachMaxBytes / 1024 / 1024),
      }),
    ];
    if (!isAttached) {
      const token = deps.ids.token();
      await tx.query(
        'INSERT INTO sealed_download_links (token_hash, envelope_id, recipient, created_at) VALUES ($1, $2, $3, $4)',
        [hashToken(token), envelope.id, to, deps.clock.now()],
      );
      paragraphs.push(`${deps.settings.publicUrl.replace(/\/+$/, '')}/d/${token}`);
    }
    paragraphs.push(t(locale, 'signing.mail.completed.verify'), t(locale, 'signing.mail.footer'));
    const raw = await composeMail({
      from: deps.settings.notifyFrom,
      to,
      subject: t(locale, 'signing.mail.completed.subject', { subject: envelope.subject }),
      locale,
      paragraphs,
      date: deps.clock.now(),
      attachments: isAttached
        ? documents.map((d) => {
            const sealed = input.sealed.find((s) => s.document_id === d.id);
            return {
              fileName: sealedFileName(d.fileName, locale),
              bytes: input.files.get(sealed?.sha256 ?? '') ?? new Uint8Array(),
            };
          })
        : [],
    });
    ids.push(
      await enqueueOutgoingMail(tx, deps, {
        from: addressOf(deps.settings.notifyFrom),
        to: [to],
        raw,
        purpose: 'signing.completed',
        envelopeId: envelope.id,
      }),
    );
  }
  return ids;
}

/**
 * The seal job's work, safe to run again at any point: each document already sealed is kept,
 * the others are stamped, given the evidence page and sealed; then one transaction marks the
 * envelope completed (conditional: `sealing` → `completed`, once) and queues the signed PDFs to
 * the sender and every signer. A permanent failure (the catalogue's `invalid`, e.g. an image the
 * stamp cannot decode) moves the envelope to `seal_failed`, tells the sender, and is thrown
 * again with the envelope's id, so the job ends failed for operators to see instead of retrying.
 */
export async function sealEnvelope(
  deps: SigningDeps,
  input: { envelopeId: string },
): Promise<{ status: 'completed' | 'nothing-to-do' }> {
  const details = await getEnvelope(deps.db, input.envelopeId);
  if (details.envelope.status !== 'sealing') return { status: 'nothing-to-do' };
  try {
    return await sealSigned(deps, details);
  } catch (error) {
    if (!isPermanentError(error)) throw error;
    await failSeal(deps, { envelope: details.envelope, error });
    throw new AppError(error.code, `envelope ${input.envelopeId} cannot be sealed: ${error.message}`, {
      cause: error,
      userMessage: error.userMessage,
      details: { ...error.details, envelopeId: input.envelopeId },
    });
  }
}

async function sealSigned(
  deps: SigningDeps,
  details: EnvelopeDetails,
): Promise<{ status: 'completed' | 'nothing-to-do' }> {
  const input = { envelopeId: details.envelope.id };
  const { rows: signatures } = await deps.db.query<SignatureRow>(
    `SELECT s.* FROM signatures s JOIN signers r ON r.id = s.signer_id WHERE s.envelope_id = $1 ORDER BY r.position`,
    [input.envelopeId],
  );
  const audit = await listAuditEvents(deps.db, input.envelopeId);
  const evidence = evidenceOf(
    details,
    signatures,
    audit.map((e) => ({ at: new Date(e.createdAt), type: e.type, actor: e.actor, detail: null })),
  );
  const { rows: done } = await deps.db.query<SealedRow>(
    'SELECT document_id, sha256, size_bytes FROM sealed_documents WHERE envelope_id = $1',
    [input.envelopeId],
  );
  const sealed: SealedRow[] = [];
  for (const [index, doc] of details.documents.entries()) {
    const existing = done.find((d) => d.document_id === doc.id);
    sealed.push(existing ?? (await sealOne(deps, { details, documentIndex: index, signatures, evidence })));
  }
  const files = new Map<string, Uint8Array>();
  const totalBytes = sealed.reduce((n, s) => n + Number(s.size_bytes), 0);
  if (totalBytes <= deps.settings.sealedAttachMaxBytes)
    for (const s of sealed) files.set(s.sha256, await deps.blobs.get(s.sha256));
  const outboxIds = await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>(
      'SELECT status FROM envelopes WHERE id = $1 FOR UPDATE',
      [input.envelopeId],
    );
    if (rows[0]?.status !== 'sealing') return null;
    await markEnvelopeCompleted(tx, deps, { envelopeId: input.envelopeId });
    await recordAuditEvent(tx, deps, {
      type: 'envelope.sealed',
      actor: 'system',
      envelopeId: input.envelopeId,
      data: { documents: sealed.map((s) => ({ documentId: s.document_id, sha256: s.sha256 })) },
    });
    return queueCompletionMails(tx, deps, { details, sealed, files });
  });
  if (!outboxIds) return { status: 'nothing-to-do' };
  deps.deliverSoon?.(outboxIds);
  return { status: 'completed' };
}
