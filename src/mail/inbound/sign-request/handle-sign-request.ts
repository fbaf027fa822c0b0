import { createHash } from 'node:crypto';
import { recordAuditEvent } from '../../../audit/index.js';
import { holdForRequest } from '../../../billing/index.js';
import type { BlobRef } from '../../../blobs/index.js';
import type { Queryable } from '../../../db/index.js';
import {
  chooseSigners,
  createEnvelope,
  findEnvelopeByDedupeKey,
  getEnvelope,
  issueSignerLink,
} from '../../../envelopes/index.js';
import { isAppError } from '../../../shared/errors.js';
import { formatCents } from '../../../shared/money.js';
import type { DsnParams } from '../../outbound/index.js';
import { enqueueOutgoingMail } from '../../outbound/index.js';
import { analyseMessage, type MessageFacts } from './analyse-message.js';
import { buildCopy, signerBlock } from './build-copy.js';
import { buildRefusalReply, type SignRequestProblem } from './build-refusal-reply.js';
import { type CheckedDocument, findProblems } from './find-problems.js';
import { stripMarker } from './mime/subject.js';
import type { SignRequestDeps, SignRequestInput, SignRequestOutcome } from './types.js';

/** Same message again (retry, or Postfix's split of > 50 recipients) = same key. */
export function dedupeKeyOf(
  facts: MessageFacts,
  input: { raw: Uint8Array; queueId?: string | undefined },
): string {
  if (facts.messageId) return `message-id:${facts.messageId}`;
  if (input.queueId) return `queue-id:${input.queueId}`;
  // Hashing megabytes costs time: only when nothing else identifies the message.
  return `sha256:${createHash('sha256').update(input.raw).digest('hex')}`;
}

/** DSN parameters that concern one recipient of a multi-recipient transaction. */
function dsnFor(dsn: DsnParams | undefined, recipient: string): DsnParams | undefined {
  if (!dsn) return undefined;
  const pick = (map: Record<string, string> | undefined) => {
    const value = map?.[recipient];
    return value === undefined ? undefined : { [recipient]: value };
  };
  const out: DsnParams = {};
  if (dsn.ret) out.ret = dsn.ret;
  if (dsn.envid) out.envid = dsn.envid;
  const notify = pick(dsn.notify);
  const orcpt = pick(dsn.orcpt);
  if (notify) out.notify = notify;
  if (orcpt) out.orcpt = orcpt;
  return out;
}

/**
 * Turns a *SIGN message into an envelope and one copy per envelope recipient (signers with their
 * block and link, others with the marker removed only), all in one transaction with the outbox,
 * so the caller may answer 250 as soon as it resolves. A sender's mistake creates nothing and
 * queues one explanatory reply instead. Throws only for our own faults (the caller answers 451).
 */
export async function handleSignRequest(
  deps: SignRequestDeps,
  input: SignRequestInput,
): Promise<SignRequestOutcome> {
  const { config } = deps;
  const facts = analyseMessage(input.raw);
  const dedupeKey = dedupeKeyOf(facts, input);
  const recipients = [...new Set(input.recipients.map((r) => r.trim().toLowerCase()))];

  const existing = await findEnvelopeByDedupeKey(deps.db, { mailboxId: input.sender.mailboxId, dedupeKey });
  if (existing) {
    await deps.db.transaction((tx) =>
      sendCopies(tx, deps, { envelopeId: existing, facts, input, recipients }),
    );
    return { outcome: 'duplicate', envelopeId: existing };
  }
  const earlierRefusal = await findRefusal(deps.db, input.sender.mailboxId, dedupeKey);
  if (earlierRefusal) return { outcome: 'refused', problems: earlierRefusal };
  if (!input.sender.hasValidSubscription) {
    // Nothing else matters until the subscription is renewed: this is the only problem named.
    const rawRef = await deps.blobs.put(input.raw);
    const problems = [{ code: 'SIGN_REQUEST_SUBSCRIPTION_ENDED', params: {} }];
    return refuse(deps, { facts, input, dedupeKey, problems, rawSha256: rawRef.sha256 });
  }

  const choice = chooseSigners({
    to: facts.to,
    cc: facts.cc,
    senderAddress: input.sender.address,
    envelopeRecipients: recipients,
  });
  // The evidence blob is written while the PDFs are inspected (I/O beside CPU).
  const rawPut = deps.blobs.put(input.raw);
  rawPut.catch(() => {});
  const { problems, documents } = await findProblems({
    files: facts.files,
    signerCount: choice.requestedCount,
    maxSigners: config.maxSigners,
    maxAttachmentBytes: config.maxAttachmentBytes,
    inspectPdf: deps.inspectPdf,
  });
  const rawRef = await rawPut;
  if (problems.length > 0)
    return refuse(deps, { facts, input, dedupeKey, problems, rawSha256: rawRef.sha256 });

  // Content-addressed blobs: writing them before the transaction is safe (a rollback leaves an
  // unreferenced blob, never a row without its bytes).
  const stored: { doc: CheckedDocument; ref: BlobRef }[] = await Promise.all(
    documents.map(async (doc) => ({ doc, ref: await deps.blobs.put(doc.file.bytes) })),
  );
  const expiresAt = new Date(input.receivedAt.getTime() + config.expiryDays * 86_400_000);

  try {
    return await deps.db.transaction(async (tx) => {
      const created = await createEnvelope(tx, deps, {
        accountId: input.sender.accountId,
        mailboxId: input.sender.mailboxId,
        senderAddress: input.sender.address,
        subject: stripForStorage(facts.subject, config.marker),
        locale: facts.locale,
        messageId: facts.messageId,
        queueId: input.queueId ?? null,
        dedupeKey,
        raw: rawRef,
        expiresAt,
        documents: stored.map(({ doc, ref }) => ({
          fileName: doc.file.fileName,
          sha256: ref.sha256,
          sizeBytes: ref.sizeBytes,
          pageCount: doc.inspection.pageCount,
          hasSignatures: doc.inspection.signatures.length > 0,
        })),
        signers: choice.signers,
      });
      // In the envelope's transaction: a request the balance cannot cover leaves no row behind.
      if (created.isNew)
        await holdForRequest(tx, deps.billing, {
          accountId: input.sender.accountId,
          envelopeId: created.envelopeId,
        });
      await sendCopies(tx, deps, { envelopeId: created.envelopeId, facts, input, recipients });
      return created.isNew
        ? { outcome: 'created' as const, envelopeId: created.envelopeId }
        : { outcome: 'duplicate' as const, envelopeId: created.envelopeId };
    });
  } catch (error) {
    if (!isAppError(error, 'BILLING_BALANCE_INSUFFICIENT')) throw error;
    const money = (cents: unknown) => formatCents(Number(cents), facts.locale);
    const problem: SignRequestProblem = {
      code: error.code,
      params: {
        available: money(error.details.availableCents),
        missing: money(error.details.missingCents),
        price: money(deps.billing.rules.priceCents),
        url: deps.billing.rules.topUpUrl,
      },
    };
    return refuse(deps, { facts, input, dedupeKey, problems: [problem], rawSha256: rawRef.sha256 });
  }
}

function stripForStorage(subject: string, marker: string): string {
  return stripMarker(subject, marker).slice(0, 500);
}

/**
 * Queues the copy of every envelope recipient of this delivery that has none yet. The row in
 * envelope_recipients is claimed first (ON CONFLICT DO NOTHING), so two deliveries of the same
 * message never queue the same recipient twice.
 */
async function sendCopies(
  tx: Queryable,
  deps: SignRequestDeps,
  ctx: { envelopeId: string; facts: MessageFacts; input: SignRequestInput; recipients: string[] },
): Promise<void> {
  const { envelope, documents, signers } = await getEnvelope(tx, ctx.envelopeId);
  const now = deps.clock.now();
  const queued: string[] = [];
  const senderLabel =
    ctx.facts.from?.name && ctx.facts.from.address === envelope.senderAddress
      ? `${ctx.facts.from.name} (${envelope.senderAddress})`
      : envelope.senderAddress;
  for (const recipient of ctx.recipients) {
    const signer = signers.find((s) => s.address === recipient) ?? null;
    const claimed = await tx.query(
      `INSERT INTO envelope_recipients (envelope_id, address, signer_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (envelope_id, address) DO NOTHING RETURNING address`,
      [envelope.id, recipient, signer?.id ?? null, now],
    );
    if (claimed.rowCount === 0) continue;
    let block = null;
    if (signer && envelope.status === 'pending') {
      const link = await issueSignerLink(tx, deps, {
        signerId: signer.id,
        envelopeId: envelope.id,
        purpose: 'copy',
        publicUrl: deps.config.publicUrl,
      });
      block = signerBlock({
        locale: envelope.locale,
        senderLabel,
        documentNames: documents.map((d) => d.fileName),
        signerAddresses: signers.map((s) => s.address),
        position: signer.position,
        url: link.url,
      });
    }
    const copy = buildCopy(ctx.input.raw, { marker: deps.config.marker, block });
    const outboxId = await enqueueOutgoingMail(tx, deps, {
      from: ctx.input.mailFrom,
      to: [recipient],
      raw: copy.raw,
      dsn: dsnFor(ctx.input.dsn, recipient),
      purpose: signer ? 'signer.copy' : 'recipient.copy',
      envelopeId: envelope.id,
      // Paraphe answered 250 for this copy: a final refusal downstream is owed to the sender.
      ...(ctx.input.mailFrom ? { refusalNotice: { to: ctx.input.mailFrom, locale: envelope.locale } } : {}),
    });
    await tx.query('UPDATE envelope_recipients SET outbox_id = $3 WHERE envelope_id = $1 AND address = $2', [
      envelope.id,
      recipient,
      outboxId,
    ]);
    queued.push(`${recipient}:${copy.mode}`);
  }
  if (queued.length > 0) {
    await recordAuditEvent(tx, deps, {
      type: 'envelope.copies_queued',
      actor: 'system',
      envelopeId: envelope.id,
      data: { queueId: ctx.input.queueId ?? null, copies: queued },
    });
  }
}

async function findRefusal(db: Queryable, mailboxId: string, dedupeKey: string): Promise<string[] | null> {
  const { rows } = await db.query<{ problems: string[] }>(
    'SELECT problems FROM sign_request_refusals WHERE mailbox_id = $1 AND dedupe_key = $2',
    [mailboxId, dedupeKey],
  );
  return rows[0]?.problems ?? null;
}

async function refuse(
  deps: SignRequestDeps,
  ctx: {
    facts: MessageFacts;
    input: SignRequestInput;
    dedupeKey: string;
    problems: SignRequestProblem[];
    rawSha256: string;
  },
): Promise<SignRequestOutcome> {
  const codes = [...new Set(ctx.problems.map((p) => p.code))];
  const reply = await buildRefusalReply({
    locale: ctx.facts.locale,
    from: deps.config.notifyFrom,
    to: ctx.input.sender.address,
    subject: stripForStorage(ctx.facts.subject, deps.config.marker),
    marker: deps.config.marker,
    problems: ctx.problems,
    original: ctx.input.raw,
    maxBytes: deps.config.maxReplyBytes,
    inReplyTo: ctx.facts.messageId,
    messageId: `<${deps.ids.uuid()}@paraphe>`,
    date: deps.clock.now(),
  });
  const replyOutboxId = await deps.db.transaction(async (tx) => {
    const id = deps.ids.uuid();
    const inserted = await tx.query(
      `INSERT INTO sign_request_refusals (id, mailbox_id, dedupe_key, problems, raw_sha256, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (mailbox_id, dedupe_key) DO NOTHING RETURNING id`,
      [id, ctx.input.sender.mailboxId, ctx.dedupeKey, JSON.stringify(codes), ctx.rawSha256, deps.clock.now()],
    );
    if (inserted.rowCount === 0) return null;
    const outboxId = await enqueueOutgoingMail(tx, deps, {
      from: addressOf(deps.config.notifyFrom),
      to: [ctx.input.sender.address],
      raw: reply,
      purpose: 'sender.refusal',
    });
    await tx.query('UPDATE sign_request_refusals SET outbox_id = $2 WHERE id = $1', [id, outboxId]);
    await recordAuditEvent(tx, deps, {
      type: 'sign_request.refused',
      actor: 'sender',
      data: {
        sender: ctx.input.sender.address,
        messageId: ctx.facts.messageId,
        queueId: ctx.input.queueId ?? null,
        problems: ctx.problems,
      },
    });
    return outboxId;
  });
  return { outcome: 'refused', problems: codes, ...(replyOutboxId ? { replyOutboxId } : {}) };
}

/** The bare address of a `Name <address>` From value (the SMTP envelope needs it). */
function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match?.[1] ?? from).trim();
}
