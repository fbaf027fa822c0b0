import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { createAccount } from '../../src/accounts/index.js';
import { creditAccount } from '../../src/billing/index.js';
import { type BlobStore, openFsBlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import { handleSignRequest, type MailRole, startMailRole } from '../../src/mail/inbound/index.js';
import { decodeBody } from '../../src/mail/inbound/sign-request/mime/body-codec.js';
import { leavesOf, parseMessage } from '../../src/mail/inbound/sign-request/mime/parse-entity.js';
import {
  deliverOutgoingMail,
  listOutgoingMail,
  relayMailTransport,
  sendSmtp,
} from '../../src/mail/outbound/index.js';
import { inspectPdf } from '../../src/pdf/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { testBillingRules } from '../support/billing.js';
import { freshDb } from '../support/db.js';
import { silentLogger } from '../support/logger.js';
import { testOutboxDeps } from '../support/outbox.js';
import { minimalPdf } from '../support/pdf.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';

async function requestMail(messageId: string): Promise<Buffer> {
  return new MailComposer({
    from: 'Julie Caron <julie@agence.test>',
    to: 'marc@client.test',
    subject: 'Mandat de vente *SIGN',
    text: 'Bonjour Marc, voici le mandat.',
    messageId,
    attachments: [{ filename: 'mandat.pdf', content: minimalPdf('Mandat'), contentType: 'application/pdf' }],
  })
    .compile()
    .build();
}

describe('a *SIGN request the balance does not cover, from SMTP to the reply', () => {
  let db: Db;
  let dir: string;
  let blobs: BlobStore;
  let sink: SmtpSink;
  let role: MailRole;
  let accountId: string;
  // Every signature paid, so an empty balance cannot cover even one signer.
  const billing = { clock: systemClock, ids: randomIds, rules: testBillingRules({ freeThreshold: 1 }) };

  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-billing-e2e-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    accountId = (
      await createAccount(
        { db, clock: systemClock, ids: randomIds },
        { name: 'Agence Caron', mailboxes: ['julie@agence.test'], subscriptionUntil: '2099-12-31' },
      )
    ).id;
    sink = await startSmtpSink();
    const deps = { db, blobs, clock: systemClock, ids: randomIds };
    role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: sink.url,
        allowedClients: ['127.0.0.1'],
        maxBytes: 1024 * 1024,
        signMarker: '*SIGN',
      },
      ...deps,
      logger: silentLogger,
      handleSignRequest: (input) =>
        handleSignRequest(
          {
            ...deps,
            inspectPdf,
            billing,
            config: {
              marker: '*SIGN',
              maxSigners: 5,
              maxAttachmentBytes: 500_000,
              publicUrl: 'https://sign.agence.test',
              expiryDays: 30,
              notifyFrom: 'Paraphe <noreply@sign.agence.test>',
              maxReplyBytes: 1024 * 1024,
            },
          },
          input,
        ),
    });
  });
  after(async () => {
    await role.stop();
    await sink.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const submit = (raw: Buffer) =>
    sendSmtp({
      host: '127.0.0.1',
      port: role.smtpPort,
      from: 'julie@agence.test',
      to: ['marc@client.test'],
      body: raw,
    });

  /** What the mail.deliver job does for each queued mail. */
  const deliverQueued = async () => {
    for (const entry of await listOutgoingMail(db))
      if (entry.status === 'queued')
        await deliverOutgoingMail(
          testOutboxDeps({ db, blobs, transport: relayMailTransport(sink.url) }),
          entry.id,
        );
  };

  it('sends nothing to the signer and tells the sender the balance, the amount missing and where to top up', async () => {
    const original = await requestMail('<mandat-1@agence.test>');
    const results = await submit(original);
    assert.deepEqual(
      results.map((r) => r.code),
      [250],
    );
    await deliverQueued();
    assert.deepEqual(
      sink.messages.map((m) => m.to),
      [['julie@agence.test']],
      'only the sender hears about it',
    );
    const reply = await simpleParser(sink.messages[0]?.raw ?? Buffer.alloc(0));
    assert.equal(reply.subject, 'Demande de signature non envoyée\u00a0: Mandat de vente');
    assert.match(reply.text ?? '', /solde disponible de votre compte \(0,00\s€\)/);
    assert.match(reply.text ?? '', /il manque 1,00\s€ HT/);
    assert.match(reply.text ?? '', /https:\/\/sign\.example\.test\/account/);
    // mailparser inlines message/rfc822 parts: read the attachment from the MIME tree instead.
    const raw = sink.messages[0]?.raw ?? Buffer.alloc(0);
    const part = leavesOf(parseMessage(raw)).find((leaf) => leaf.contentType === 'message/rfc822');
    assert.ok(part, 'the original is attached');
    assert.deepEqual(decodeBody(raw, part), original);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes');
    assert.equal(rows[0]?.n, 0);
  });

  it('accepts the same request once the account is topped up', async () => {
    sink.messages.length = 0;
    await creditAccount(
      { ...billing, db },
      { accountId, amountCents: 500, reference: 'CB-1', actor: 'payment' },
    );
    const results = await submit(await requestMail('<mandat-2@agence.test>'));
    assert.deepEqual(
      results.map((r) => r.code),
      [250],
    );
    // No immediate delivery in this role: send what the mail.deliver jobs would.
    await deliverQueued();
    await waitFor(() => sink.messages.some((m) => m.to.includes('marc@client.test')), {
      timeoutMs: 10_000,
      what: "the signer's copy",
    });
  });
});
