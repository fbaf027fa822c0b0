import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { unmeteredBilling } from '../../../../test/support/billing.js';
import { freshDb } from '../../../../test/support/db.js';
import { minimalPdf } from '../../../../test/support/pdf.js';
import { createAccount, findSenderMailbox, type SenderMailbox } from '../../../accounts/index.js';
import { listAuditEvents } from '../../../audit/index.js';
import { type BlobStore, openFsBlobStore } from '../../../blobs/index.js';
import type { Db } from '../../../db/index.js';
import { findSignerByToken, getEnvelope } from '../../../envelopes/index.js';
import { inspectPdf } from '../../../pdf/index.js';
import { manualClock } from '../../../shared/clock.js';
import { hashToken, randomIds } from '../../../shared/ids.js';
import { handleSignRequest } from './handle-sign-request.js';
import { decodeBody } from './mime/body-codec.js';
import { leavesOf, parseMessage } from './mime/parse-entity.js';
import type { SignRequestConfig, SignRequestDeps } from './types.js';

const config: SignRequestConfig = {
  marker: '*SIGN',
  maxSigners: 3,
  maxAttachmentBytes: 100_000,
  publicUrl: 'https://sign.example.org',
  expiryDays: 30,
  notifyFrom: 'Paraphe <noreply@sign.example.org>',
  maxReplyBytes: 35 * 1024 * 1024,
};
const pdf = minimalPdf('Contrat');
let messageCounter = 0;

async function compose(
  options: Partial<Mail.Options> & { headers?: Record<string, string> },
): Promise<Buffer> {
  messageCounter++;
  const composer = new MailComposer({
    from: 'Alice Martin <alice@acme.test>',
    subject: 'Contrat de vente *SIGN',
    text: 'Bonjour, voici le contrat.',
    messageId: `<m${messageCounter}.${Date.now()}@acme.test>`,
    attachments: [{ filename: 'contrat.pdf', content: pdf, contentType: 'application/pdf' }],
    ...options,
  });
  return composer.compile().build();
}

interface OutboxRow {
  id: string;
  purpose: string;
  envelope_from: string;
  recipients: string[];
  raw_sha256: string;
}

describe('handleSignRequest', () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  let sender: SenderMailbox;
  let deps: SignRequestDeps;
  const clock = manualClock('2026-11-26T10:00:00Z');

  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-sign-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    await createAccount(
      { db, clock, ids: randomIds },
      { name: 'Acme', mailboxes: ['alice@acme.test'], subscriptionUntil: '2027-12-31' },
    );
    const found = await findSenderMailbox(db, { address: 'alice@acme.test', now: clock.now() });
    assert.ok(found);
    sender = found;
    deps = {
      db,
      blobs,
      clock,
      ids: randomIds,
      inspectPdf,
      config,
      billing: unmeteredBilling({ clock, ids: randomIds }),
    };
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const submit = (raw: Buffer, recipients: string[], extra: { queueId?: string } = {}) => {
    // Outbox rows are read back in creation order.
    clock.advance(1000);
    return handleSignRequest(deps, {
      raw,
      mailFrom: 'alice@acme.test',
      recipients,
      sender,
      receivedAt: clock.now(),
      ...extra,
    });
  };

  /** The attached original, decoded from the reply's message/rfc822 part (mailparser would inline it). */
  function attachedOriginal(reply: Buffer): Buffer | null {
    const leaf = leavesOf(parseMessage(reply)).find((l) => l.contentType === 'message/rfc822');
    return leaf ? decodeBody(reply, leaf) : null;
  }

  async function outbox(filter: { envelopeId?: string; to?: string } = {}) {
    const { rows } = await db.query<OutboxRow>(
      `SELECT id, purpose, envelope_from, recipients, raw_sha256 FROM mail_outbox
       WHERE ($1::uuid IS NULL OR envelope_id = $1) AND ($2::text IS NULL OR recipients ? $2) ORDER BY created_at, id`,
      [filter.envelopeId ?? null, filter.to ?? null],
    );
    return Promise.all(rows.map(async (r) => ({ ...r, raw: Buffer.from(await blobs.get(r.raw_sha256)) })));
  }
  const countOutbox = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mail_outbox')).rows[0]?.n ?? 0;

  it('makes one envelope whose signers are To then Cc in order, deduplicated, without the sender', async () => {
    const raw = await compose({
      to: ['Bob <bob@example.org>', 'carol@example.org'],
      cc: ['BOB@example.org', 'alice@acme.test', 'dave@example.org'],
    });
    const outcome = await submit(raw, [
      'bob@example.org',
      'carol@example.org',
      'dave@example.org',
      'erin@example.org',
    ]);
    assert.equal(outcome.outcome, 'created');
    assert.ok(outcome.outcome === 'created');
    const details = await getEnvelope(db, outcome.envelopeId);
    assert.deepEqual(
      details.signers.map((s) => [s.position, s.address, s.status]),
      [
        [1, 'bob@example.org', 'current'],
        [2, 'carol@example.org', 'waiting'],
        [3, 'dave@example.org', 'waiting'],
      ],
    );
    assert.equal(details.envelope.subject, 'Contrat de vente');
    assert.equal(details.envelope.status, 'pending');
    assert.equal(details.documents.length, 1);
    assert.equal(details.documents[0]?.fileName, 'contrat.pdf');
    assert.equal(details.documents[0]?.pageCount, 1);
    assert.deepEqual(Buffer.from(await blobs.get(details.documents[0]?.sha256 ?? '')), pdf);
    assert.deepEqual(Buffer.from(await blobs.get(details.envelope.rawSha256)), raw);
    const events = await listAuditEvents(db, outcome.envelopeId);
    assert.deepEqual(
      events.map((e) => e.type).filter((t) => !t.startsWith('signer.link')),
      ['envelope.created', 'envelope.copies_queued'],
    );

    const copies = await outbox({ envelopeId: outcome.envelopeId });
    assert.deepEqual(copies.map((c) => c.recipients).sort(), [
      ['bob@example.org'],
      ['carol@example.org'],
      ['dave@example.org'],
      ['erin@example.org'],
    ]);
    for (const copy of copies) assert.equal(copy.envelope_from, 'alice@acme.test');
    const carol = await simpleParser(copies.find((c) => c.recipients[0] === 'carol@example.org')?.raw ?? '');
    assert.equal(carol.subject, 'Contrat de vente');
    assert.match(
      carol.text ?? '',
      /^Alice Martin \(alice@acme\.test\) vous demande de signer\u00a0: contrat\.pdf\nVous signerez en 2e, après bob@example\.org\./,
    );
    assert.match(carol.text ?? '', /Pour signer\u00a0: https:\/\/sign\.example\.org\/s\/[A-Za-z0-9_-]{43}\n/);
    assert.deepEqual(carol.attachments[0]?.content, pdf);
    const erin = await simpleParser(copies.find((c) => c.recipients[0] === 'erin@example.org')?.raw ?? '');
    assert.equal(erin.subject, 'Contrat de vente');
    assert.equal(erin.text?.trim(), 'Bonjour, voici le contrat.');
    assert.doesNotMatch(
      copies.find((c) => c.recipients[0] === 'erin@example.org')?.raw.toString() ?? '',
      /\/s\//,
    );
  });

  it('stores link tokens only as hashes, and a link leads back to its signer', async () => {
    const raw = await compose({ to: ['bob@example.org', 'carol@example.org'] });
    const outcome = await submit(raw, ['bob@example.org', 'carol@example.org']);
    assert.ok(outcome.outcome === 'created');
    const [bobCopy] = await outbox({ envelopeId: outcome.envelopeId, to: 'bob@example.org' });
    const text = (await simpleParser(bobCopy?.raw ?? '')).text ?? '';
    const token = /\/s\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
    assert.equal(token.length, 43);
    const found = await findSignerByToken(db, token);
    assert.equal(found?.signer.address, 'bob@example.org');
    assert.equal(found?.envelope.id, outcome.envelopeId);
    const { rows } = await db.query<Record<string, unknown>>(
      'SELECT * FROM signer_links WHERE signer_id = $1',
      [found?.signer.id],
    );
    assert.equal(rows[0]?.token_hash, hashToken(token));
    const dump =
      JSON.stringify((await db.query('SELECT * FROM signer_links')).rows) +
      JSON.stringify((await db.query('SELECT * FROM audit_events')).rows);
    assert.equal(dump.includes(token), false);
    assert.equal(
      await findSignerByToken(db, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
      null,
    );
  });

  it('makes nothing new when the same message is delivered again', async () => {
    const raw = await compose({ to: ['bob@example.org'] });
    const first = await submit(raw, ['bob@example.org'], { queueId: 'Q1' });
    const before = await countOutbox();
    const second = await submit(raw, ['bob@example.org'], { queueId: 'Q1' });
    assert.ok(first.outcome === 'created' && second.outcome === 'duplicate');
    assert.equal(second.envelopeId, first.envelopeId);
    assert.equal(await countOutbox(), before);
  });

  it('turns a message Postfix split into two transactions into one envelope for all recipients', async () => {
    const raw = await compose({ to: ['bob@example.org', 'carol@example.org'], cc: ['dave@example.org'] });
    const first = await submit(raw, ['bob@example.org', 'carol@example.org'], { queueId: 'Q2' });
    const second = await submit(raw, ['dave@example.org', 'erin@example.org', 'bob@example.org'], {
      queueId: 'Q2',
    });
    assert.ok(first.outcome === 'created' && second.outcome === 'duplicate');
    assert.equal(second.envelopeId, first.envelopeId);
    const copies = await outbox({ envelopeId: first.envelopeId });
    assert.deepEqual(copies.map((c) => c.recipients[0]).sort(), [
      'bob@example.org',
      'carol@example.org',
      'dave@example.org',
      'erin@example.org',
    ]);
    const dave = await simpleParser(copies.find((c) => c.recipients[0] === 'dave@example.org')?.raw ?? '');
    assert.match(dave.text ?? '', /Vous signerez en 3e, après bob@example\.org et carol@example\.org\./);
  });

  it('makes one envelope when the two halves of a split message arrive at the same time', async () => {
    const raw = await compose({ to: ['bob@example.org', 'carol@example.org'] });
    const [a, b] = await Promise.all([
      submit(raw, ['bob@example.org'], { queueId: 'Q3' }),
      submit(raw, ['carol@example.org'], { queueId: 'Q3' }),
    ]);
    assert.ok(a.outcome !== 'refused' && b.outcome !== 'refused');
    assert.equal(a.envelopeId, b.envelopeId);
    assert.deepEqual([a.outcome, b.outcome].sort(), ['created', 'duplicate']);
    const copies = await outbox({ envelopeId: a.envelopeId });
    assert.deepEqual(copies.map((c) => c.recipients[0]).sort(), ['bob@example.org', 'carol@example.org']);
  });

  it('writes the block and the refusals in English when the message is in English', async () => {
    const raw = await compose({
      to: ['bob@example.org', 'carol@example.org'],
      html: '<p>Hello Carol</p>',
      headers: { 'Content-Language': 'en-GB' },
    });
    const outcome = await submit(raw, ['carol@example.org']);
    assert.ok(outcome.outcome === 'created');
    const [copy] = await outbox({ envelopeId: outcome.envelopeId });
    const parsed = await simpleParser(copy?.raw ?? '');
    assert.match(
      parsed.text ?? '',
      /^Alice Martin \(alice@acme\.test\) asks you to sign: contrat\.pdf\nYou will sign 2nd, after bob@example\.org\./,
    );
    assert.match(typeof parsed.html === 'string' ? parsed.html : '', /asks you to sign/);

    const refused = await submit(
      await compose({ to: ['bob@example.org'], attachments: [], headers: { 'Content-Language': 'en' } }),
      ['bob@example.org'],
    );
    assert.equal(refused.outcome, 'refused');
    const [reply] = (await outbox({ to: 'alice@acme.test' })).slice(-1);
    const replyParsed = await simpleParser(reply?.raw ?? '');
    assert.equal(replyParsed.subject, 'Signature request not sent: Contrat de vente');
    assert.match(replyParsed.text ?? '', /No PDF is attached to the message/);
  });

  async function encryptedPdf(): Promise<Buffer> {
    const input = path.join(dir, 'plain.pdf');
    const output = path.join(dir, 'locked.pdf');
    await writeFile(input, pdf);
    execFileSync('qpdf', ['--encrypt', 'user-secret', 'owner-secret', '256', '--', input, output]);
    return readFile(output);
  }

  const mistakes: {
    name: string;
    code: string;
    text: RegExp;
    message: () => Promise<Buffer>;
    recipients: string[];
  }[] = [
    {
      name: 'no PDF',
      code: 'SIGN_REQUEST_NO_PDF',
      text: /Aucun PDF n’est joint au message/,
      message: () =>
        compose({ to: ['bob@example.org'], attachments: [{ filename: 'notes.txt', content: 'hello' }] }),
      recipients: ['bob@example.org'],
    },
    {
      name: 'a PDF that needs a password',
      code: 'PDF_ENCRYPTED_USER_PASSWORD',
      text: /verrouille\.pdf/,
      message: async () =>
        compose({
          to: ['bob@example.org'],
          attachments: [{ filename: 'verrouille.pdf', content: await encryptedPdf() }],
        }),
      recipients: ['bob@example.org'],
    },
    {
      name: 'an unreadable PDF',
      code: 'PDF_NOT_PDF|PDF_DAMAGED',
      text: /casse\.pdf/,
      message: () =>
        compose({
          to: ['bob@example.org'],
          attachments: [
            { filename: 'casse.pdf', content: Buffer.from('%PDF-1.7\nthis is not a pdf at all\n') },
          ],
        }),
      recipients: ['bob@example.org'],
    },
    {
      name: 'an attachment over the limit',
      code: 'SIGN_REQUEST_ATTACHMENT_TOO_LARGE',
      text: /La pièce jointe photos\.zip pèse 0,2 Mo\u00a0; le maximum est 0,1 Mo par pièce jointe\./,
      message: () =>
        compose({
          to: ['bob@example.org'],
          attachments: [
            { filename: 'contrat.pdf', content: pdf },
            { filename: 'photos.zip', content: Buffer.alloc(200_000, 7) },
          ],
        }),
      recipients: ['bob@example.org'],
    },
    {
      name: 'too many signers',
      code: 'SIGN_REQUEST_TOO_MANY_SIGNERS',
      text: /Le message compte 4 signataires \(À et Cc\)\u00a0; le maximum est 3\./,
      message: () =>
        compose({ to: ['a@example.org', 'b@example.org', 'c@example.org'], cc: ['d@example.org'] }),
      recipients: ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org'],
    },
    {
      name: 'no recipient besides the sender',
      code: 'SIGN_REQUEST_NO_SIGNER',
      text: /Aucun signataire/,
      message: () => compose({ to: ['alice@acme.test'] }),
      recipients: ['alice@acme.test'],
    },
  ];

  it('refuses a *SIGN from a mailbox whose subscription ended: a reply saying so, the original attached, nothing delivered', async () => {
    await createAccount(
      { db, clock, ids: randomIds },
      { name: 'Lapsed', mailboxes: ['old@lapsed.test'], subscriptionUntil: '2026-11-25' },
    );
    const lapsed = await findSenderMailbox(db, { address: 'old@lapsed.test', now: clock.now() });
    assert.equal(lapsed?.hasValidSubscription, false);
    assert.ok(lapsed);
    const raw = await compose({ from: 'Olivier <old@lapsed.test>', to: ['bea@lapsed-customer.example'] });
    const before = await countOutbox();
    const request = {
      raw,
      mailFrom: 'old@lapsed.test',
      recipients: ['bea@lapsed-customer.example'],
      sender: lapsed,
    };
    const outcome = await handleSignRequest(deps, { ...request, receivedAt: clock.now() });
    assert.ok(outcome.outcome === 'refused');
    assert.deepEqual(outcome.problems, ['SIGN_REQUEST_SUBSCRIPTION_ENDED']);
    assert.equal(await countOutbox(), before + 1);
    assert.equal(
      (await outbox({ to: 'bea@lapsed-customer.example' })).length,
      0,
      'nothing for the recipient',
    );
    const [reply] = await outbox({ to: 'old@lapsed.test' });
    assert.equal(reply?.purpose, 'sender.refusal');
    assert.equal(outcome.replyOutboxId, reply?.id, 'the caller may send the reply at once');
    const parsed = await simpleParser(reply?.raw ?? '');
    assert.equal(parsed.subject, 'Demande de signature non envoyée\u00a0: Contrat de vente');
    assert.match(parsed.text ?? '', /La signature par e-mail demande un abonnement actif/);
    assert.deepEqual(attachedOriginal(reply?.raw ?? Buffer.alloc(0)), raw);
    const again = await handleSignRequest(deps, { ...request, receivedAt: clock.now() });
    assert.ok(again.outcome === 'refused' && again.replyOutboxId === undefined);
    assert.equal(await countOutbox(), before + 1, 'a retried delivery does not reply twice');
  });

  for (const mistake of mistakes) {
    it(`refuses ${mistake.name}: one reply to the sender naming it, with the original attached, nothing delivered`, async () => {
      const raw = await mistake.message();
      const before = await countOutbox();
      const envelopesBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes'))
        .rows[0]?.n;
      const outcome = await submit(raw, mistake.recipients);
      assert.equal(outcome.outcome, 'refused');
      assert.ok(outcome.outcome === 'refused');
      assert.ok(
        outcome.problems.some((p) => new RegExp(`^(${mistake.code})$`).test(p)),
        outcome.problems.join(),
      );
      assert.equal(await countOutbox(), before + 1);
      assert.equal(
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes')).rows[0]?.n,
        envelopesBefore,
      );
      const [reply] = (await outbox({ to: 'alice@acme.test' })).slice(-1);
      assert.equal(reply?.purpose, 'sender.refusal');
      assert.deepEqual(reply?.recipients, ['alice@acme.test']);
      const parsed = await simpleParser(reply?.raw ?? '');
      assert.equal(parsed.subject, 'Demande de signature non envoyée\u00a0: Contrat de vente');
      assert.match(parsed.text ?? '', mistake.text);
      assert.match(parsed.text ?? '', /envoyez à nouveau votre message avec \*SIGN dans l’objet/);
      assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
      assert.deepEqual(attachedOriginal(reply?.raw ?? Buffer.alloc(0)), raw);

      const again = await submit(raw, mistake.recipients);
      assert.equal(again.outcome, 'refused');
      assert.equal(await countOutbox(), before + 1, 'a retried delivery does not reply twice');
    });
  }

  it('leaves the original out of a refusal reply that would exceed the size limit, and still explains', async () => {
    const raw = await compose({
      to: ['bob@example.org'],
      attachments: [
        { filename: 'contrat.pdf', content: pdf },
        { filename: 'photos.zip', content: Buffer.alloc(200_000, 7) },
      ],
    });
    // The original alone fits; a reply carrying it whole would not.
    const maxReplyBytes = raw.length + 500;
    const outcome = await handleSignRequest(
      { ...deps, config: { ...config, maxReplyBytes } },
      { raw, mailFrom: 'alice@acme.test', recipients: ['bob@example.org'], sender, receivedAt: clock.now() },
    );
    assert.equal(outcome.outcome, 'refused');
    const [reply] = (await outbox({ to: 'alice@acme.test' })).slice(-1);
    assert.ok(reply && reply.raw.length <= maxReplyBytes, `reply of ${reply?.raw.length} bytes`);
    const parsed = await simpleParser(reply.raw);
    assert.match(parsed.text ?? '', /photos\.zip pèse 0,2 Mo/);
    assert.match(
      parsed.text ?? '',
      /trop volumineux pour être joint à cette réponse\u00a0: seuls ses en-têtes le sont/,
    );
    assert.equal(attachedOriginal(reply.raw), null);
    const headers = parsed.attachments.find((a) => a.contentType === 'text/rfc822-headers');
    assert.match(headers?.content.toString() ?? '', /Subject: Contrat de vente \*SIGN/);
  });
});
