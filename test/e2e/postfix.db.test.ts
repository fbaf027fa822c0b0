import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { createAccount } from '../../src/accounts/index.js';
import { type BlobStore, openFsBlobStore } from '../../src/blobs/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { Db } from '../../src/db/index.js';
import {
  handleSignRequest,
  type MailRole,
  type NextHop,
  relayNextHop,
  startMailRole,
} from '../../src/mail/inbound/index.js';
import { decodeBody } from '../../src/mail/inbound/sign-request/mime/body-codec.js';
import { leavesOf, parseMessage } from '../../src/mail/inbound/sign-request/mime/parse-entity.js';
import { deliverNow, relayMailTransport, SmtpClientError, sendSmtp } from '../../src/mail/outbound/index.js';
import { inspectPdf } from '../../src/pdf/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { unmeteredBilling } from '../support/billing.js';
import { freshDb } from '../support/db.js';
import { silentLogger } from '../support/logger.js';
import { testOutboxDeps } from '../support/outbox.js';
import { freePort } from '../support/ports.js';
import { type PostfixInstance, postfixSkipReason, startPostfix } from '../support/postfix.js';
import { makeTestPdf } from '../support/test-pdf.js';
import { waitFor } from '../support/wait.js';

const PUBLIC_URL = 'https://sign.paraphe-test.example';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Drops the trace headers Postfix prepends (Return-Path, X-Original-To, Delivered-To, Received). */
export function withoutPostfixTrace(delivered: Buffer): Buffer {
  const text = delivered.toString('latin1');
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && /^(return-path|x-original-to|delivered-to|received):/i.test(lines[i] ?? '')) {
    i++;
    while (i < lines.length && /^[ \t]/.test(lines[i] ?? '')) i++;
  }
  return Buffer.from(lines.slice(i).join('\n'), 'latin1');
}

/** A message with every header cleanup(8) would otherwise add, in CRLF form as sent on the wire. */
function normalMessage(tag: string): Buffer {
  return Buffer.from(
    [
      'From: Alice <alice@customer.test>',
      'To: Bob <bob@example.test>, carol@example.test',
      `Subject: =?UTF-8?Q?Facture_n=C2=B0_${tag}?=`,
      `Message-ID: <${tag}@customer.test>`,
      'Date: Thu, 26 Nov 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Bonjour Bob, voici la facture — merci.',
      '.Une ligne qui commence par un point.',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

const lf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');

describe('real Postfix → Paraphe (LMTP content_filter) → re-injection → Maildir', {
  skip: postfixSkipReason(),
}, () => {
  let db: Db;
  let blobs: BlobStore;
  let blobDir: string;
  let postfix: PostfixInstance;
  let role: MailRole | null = null;
  let nextHop: NextHop;
  let failNextForwards = 0;
  const queueIds: Array<string | undefined> = [];

  const startRole = async () => {
    role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: postfix.filterPort,
        smtpPort: 0,
        relayUrl: postfix.relayUrl,
        allowedClients: ['127.0.0.1'],
        maxBytes: 35 * 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs,
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      nextHop: {
        async forward(message) {
          if (failNextForwards > 0) {
            failNextForwards--;
            throw new SmtpClientError(451, 'test: next hop busy');
          }
          return nextHop.forward(message);
        },
      },
      deliverNow: (outboxId) =>
        deliverNow(testOutboxDeps({ db, blobs, transport: relayMailTransport(postfix.relayUrl) }), outboxId),
      handleSignRequest: (input) => {
        queueIds.push(input.queueId);
        return handleSignRequest(
          {
            db,
            blobs,
            clock: systemClock,
            ids: randomIds,
            inspectPdf,
            config: loadConfig({ PARAPHE_PUBLIC_URL: PUBLIC_URL }).envelopes,
            billing: unmeteredBilling({ clock: systemClock, ids: randomIds }),
          },
          input,
        );
      },
    });
  };
  // As a mail client: STARTTLS and AUTH on the guide's submission service, then MAIL FROM its login.
  const submit = (raw: Buffer, to: string[], from = 'alice@customer.test') =>
    postfix.submit(raw, { from, to });

  before(async () => {
    db = await freshDb();
    blobDir = await mkdtemp(path.join(tmpdir(), 'paraphe-pf-'));
    blobs = await openFsBlobStore({ root: blobDir, ids: randomIds });
    await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Customer', mailboxes: ['alice@customer.test'], subscriptionUntil: '2099-12-31' },
    );
    await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Lapsed', mailboxes: ['olivier@customer.test'], subscriptionUntil: '2001-01-31' },
    );
    postfix = await startPostfix({
      filterPort: await freePort(),
      senders: ['alice@customer.test', 'olivier@customer.test'],
    });
    nextHop = relayNextHop(postfix.relayUrl);
    await startRole();
  });
  after(async () => {
    await role?.stop();
    await postfix?.stop();
    await db?.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  it('delivers a normal message to every recipient with the bytes the sender wrote', async () => {
    const raw = normalMessage('pass-1');
    const { rejected } = await submit(raw, ['bob@example.test', 'carol@example.test']);
    assert.deepEqual(rejected, []);
    const [bob] = await postfix.waitForMail('bob@example.test');
    const [carol] = await postfix.waitForMail('carol@example.test');
    // Maildir stores LF line endings; everything else is what the sender wrote.
    assert.equal(sha(withoutPostfixTrace(bob as Buffer)), sha(lf(raw)));
    assert.equal(sha(withoutPostfixTrace(carol as Buffer)), sha(lf(raw)));
    const log = await postfix.log();
    assert.match(
      log,
      /signfilter\/lmtp.*relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+.*status=sent \(250 2\.0\.0 Ok: passed on\)/,
    );
    // It came in over the guide's submission service, logged in (and over TLS: the client requires it).
    assert.match(
      log,
      /postfix\/submission\/smtpd\[\d+\]: \w+: client=.*sasl_method=PLAIN, sasl_username=alice@customer\.test/,
    );
  });

  it('refuses a client without TLS and login, and a sender that is not its login', async () => {
    const raw = normalMessage('refused-1');
    await assert.rejects(
      sendSmtp({
        host: '127.0.0.1',
        port: postfix.submissionPort,
        from: 'alice@customer.test',
        to: ['bob@example.test'],
        body: raw,
      }),
      (error: unknown) => error instanceof SmtpClientError && error.code === 530,
    );
    await assert.rejects(
      postfix.submit(raw, {
        from: 'olivier@customer.test',
        to: ['bob@example.test'],
        login: 'alice@customer.test',
      }),
      /553|not owned by user/,
    );
    assert.match(await postfix.log(), /Sender address rejected: not owned by user alice@customer\.test/);
  });

  it('keeps the message queued while Paraphe is down, and delivers it once Paraphe is back', async () => {
    await role?.stop();
    role = null;
    const raw = normalMessage('down-1');
    await submit(raw, ['dave@example.test']);
    const deferred = await waitFor(
      async () => {
        const queue = await postfix.queue();
        return queue.find((m) =>
          m.recipients.some((r) => r.address === 'dave@example.test' && r.delay_reason),
        );
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the message to be deferred' },
    );
    assert.match(deferred.recipients[0]?.delay_reason ?? '', /connect|refused/i);
    assert.equal((await postfix.maildir('dave@example.test')).length, 0);
    await startRole();
    await postfix.flush();
    const [dave] = await postfix.waitForMail('dave@example.test');
    assert.equal(sha(withoutPostfixTrace(dave as Buffer)), sha(lf(raw)));
  });

  it('retries after a 451 and delivers exactly once', async () => {
    failNextForwards = 1;
    const raw = normalMessage('retry-1');
    await submit(raw, ['erin@example.test']);
    await waitFor(
      async () => {
        const queue = await postfix.queue();
        return queue.find((m) =>
          m.recipients.some((r) => r.address === 'erin@example.test' && /451/.test(r.delay_reason ?? '')),
        );
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the 451 to defer the message' },
    );
    assert.equal(failNextForwards, 0);
    await postfix.flush();
    const [erin] = await postfix.waitForMail('erin@example.test');
    assert.equal(sha(withoutPostfixTrace(erin as Buffer)), sha(lf(raw)));
    await waitFor(async () => (await postfix.queue()).length === 0, { what: 'an empty queue' });
    assert.equal((await postfix.maildir('erin@example.test')).length, 1);
  });

  it('turns a *SIGN message into one copy per recipient, each with its own signing link', async () => {
    const raw = await new MailComposer({
      from: 'Alice <alice@customer.test>',
      to: ['Bob <bob.sign@example.test>', 'carol.sign@example.test'],
      subject: 'Contrat de prestation *SIGN',
      text: 'Bonjour, merci de signer le contrat.',
      attachments: [{ filename: 'contrat.pdf', content: Buffer.from(await makeTestPdf({ pages: 2 })) }],
    })
      .compile()
      .build();
    const { rejected } = await submit(raw, ['bob.sign@example.test', 'carol.sign@example.test']);
    assert.deepEqual(rejected, []);
    const links = new Set<string>();
    for (const address of ['bob.sign@example.test', 'carol.sign@example.test']) {
      const [copy] = await postfix.waitForMail(address);
      const parsed = await simpleParser(copy as Buffer);
      assert.equal(parsed.subject?.includes('*SIGN'), false, 'the marker is stripped from the subject');
      assert.match(parsed.subject ?? '', /Contrat de prestation/);
      const link = (parsed.text ?? '').match(new RegExp(`${PUBLIC_URL}/s/[A-Za-z0-9_-]+`))?.[0];
      assert.ok(link, `a signing link in the copy for ${address}`);
      links.add(link);
      assert.ok(parsed.attachments.some((a) => a.filename === 'contrat.pdf'));
    }
    assert.equal(links.size, 2, 'each recipient has a personal link');
    // Postfix's queue id arrived with XFORWARD (the retry-stable half of the dedupe key).
    const [queueId] = queueIds;
    assert.match(queueId ?? '', /^[0-9A-Z]+$/);
    assert.match(
      await postfix.log(),
      new RegExp(`${queueId}: to=<bob\\.sign@example\\.test>.*relay=127\\.0\\.0\\.1`),
    );
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes');
    assert.equal(rows[0]?.n, 1);
  });

  it('answers a *SIGN from a mailbox whose subscription ended, and delivers nothing to its recipients', async () => {
    const raw = await new MailComposer({
      from: 'Olivier <olivier@customer.test>',
      to: 'bob.lapsed@example.test',
      subject: 'Bail *SIGN',
      text: 'Bonjour, merci de signer le bail.',
      messageId: '<lapsed-1@customer.test>',
      attachments: [{ filename: 'bail.pdf', content: Buffer.from(await makeTestPdf({ pages: 1 })) }],
    })
      .compile()
      .build();
    const { rejected } = await submit(raw, ['bob.lapsed@example.test'], 'olivier@customer.test');
    assert.deepEqual(rejected, []);
    const [reply] = await postfix.waitForMail('olivier@customer.test');
    const parsed = await simpleParser(reply as Buffer);
    assert.equal(parsed.subject, 'Demande de signature non envoyée\u00a0: Bail');
    assert.match(parsed.text ?? '', /La signature par e-mail demande un abonnement actif/);
    // mailparser would inline the message/rfc822 part: read it as it sits in the reply.
    const part = leavesOf(parseMessage(reply as Buffer)).find((l) => l.contentType === 'message/rfc822');
    const original = part ? decodeBody(reply as Buffer, part) : null;
    assert.ok(original, 'the original is attached');
    assert.match(original.toString('utf8'), /^Subject: Bail \*SIGN$/m);
    // Maildir files use LF line breaks.
    assert.ok(original.includes(lf(raw).subarray(lf(raw).indexOf('\n\n'))), 'with its body unchanged');
    // The reply went out of the same outbox as any copy would have: there is nothing else in it.
    const { rows } = await db.query<{ purpose: string; recipients: string[] }>(
      `SELECT purpose, recipients FROM mail_outbox WHERE recipients ? 'bob.lapsed@example.test'
         OR recipients ? 'olivier@customer.test'`,
    );
    assert.deepEqual(rows, [{ purpose: 'sender.refusal', recipients: ['olivier@customer.test'] }]);
    const log = await postfix.log();
    assert.match(log, /to=<olivier@customer\.test>, relay=virtual/);
    assert.doesNotMatch(log, /to=<bob\.lapsed@example\.test>, relay=virtual/);
  });
});
