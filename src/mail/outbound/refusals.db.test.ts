import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { freshDb, testEngine } from '../../../test/support/db.js';
import { silentLogger } from '../../../test/support/logger.js';
import { testOutboxDeps } from '../../../test/support/outbox.js';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { type BlobStore, openFsBlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { createWorker, listJobs } from '../../jobs/index.js';
import { manualClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { mailDeliverJob } from './deliver-job.js';
import { enqueueOutgoingMail, type OutboxMail } from './enqueue-outgoing-mail.js';
import { deliverOutgoingMail, listOutgoingMail } from './outbox.js';
import { relayMailTransport } from './relay-transport.js';
import type { MailTransport } from './types.js';

const copyOf = (to: string, body = 'Bonjour, voici le lien.\r\n') =>
  new TextEncoder().encode(
    `From: alice@client.test\r\nTo: ${to}\r\nSubject: Contrat\r\nMessage-ID: <m1@client.test>\r\n\r\n${body}`,
  );

/** A copy of alice's message, as the mail filter queues it for one recipient. */
const signerCopy = (to: string, locale: 'fr' | 'en', body?: string): OutboxMail => ({
  from: 'alice@client.test',
  to: [to],
  raw: copyOf(to, body),
  purpose: 'signer.copy',
  refusalNotice: { to: 'alice@client.test', locale },
});

/** Outbound delivery against a real SMTP server on loopback that answers 5xx or 4xx on demand. */
describe(`outbound refusals from the next hop (${testEngine})`, () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  let sink: SmtpSink;
  let relay: MailTransport;
  const clock = manualClock();
  const refusals: Array<{ purpose: string; isNoticeQueued: boolean }> = [];
  const deps = (maxBytes?: number) =>
    testOutboxDeps({
      db,
      blobs,
      clock,
      transport: relay,
      onRefused: (event) => refusals.push(event),
      ...(maxBytes ? { maxBytes } : {}),
    });
  const enqueue = (mail: OutboxMail) =>
    db.transaction((tx) => enqueueOutgoingMail(tx, { blobs, clock, ids: randomIds }, mail));
  const worker = () =>
    createWorker({
      db,
      clock,
      ids: randomIds,
      logger: silentLogger,
      jobs: [mailDeliverJob(deps()) as never],
      concurrency: 4,
      leaseSeconds: 60,
      pollMs: 50,
      stopGraceSeconds: 1,
    });

  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-refusals-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    sink = await startSmtpSink();
    relay = relayMailTransport(sink.url);
  });
  after(async () => {
    await sink.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sink.messages.length = 0;
    sink.failNext.length = 0;
    sink.refuseRecipients.clear();
    refusals.length = 0;
  });

  it('ends a copy refused with 550 at once, and tells its sender who and why, in their language', async () => {
    sink.refuseRecipients.set('bob@gone.test', 550);
    const id = await enqueue(signerCopy('bob@gone.test', 'fr'));
    assert.equal(await deliverOutgoingMail(deps(), id), 'refused');
    // The job that follows finds the delivery over: no second attempt, no retry.
    await worker().runOnce();
    assert.equal(await deliverOutgoingMail(deps(), id), 'already-refused');
    const rows = await listOutgoingMail(db, {});
    assert.equal(rows.find((r) => r.id === id)?.status, 'refused');
    assert.equal(rows.find((r) => r.id === id)?.attempts, 1);
    const copyJob = (await listJobs(db, {})).find((j) => JSON.stringify(j.payload).includes(id));
    assert.equal(copyJob?.status, 'done');
    assert.deepEqual(refusals, [{ purpose: 'signer.copy', isNoticeQueued: true }]);

    // The worker already delivered the notice queued with the refusal: from <>, to the sender.
    const notice = sink.messages.find((m) => m.to.includes('alice@client.test'));
    assert.ok(notice, 'the sender got a notice');
    assert.equal(notice.from, '');
    const parsed = await simpleParser(notice.raw);
    assert.equal(parsed.subject, 'Message non remis à bob@gone.test');
    assert.match(parsed.text ?? '', /bob@gone\.test a refusé définitivement/);
    assert.match(parsed.text ?? '', /Réponse du serveur\u00a0: 550 refused bob@gone\.test/);
    assert.match(parsed.text ?? '', /Le message refusé est joint/);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(parsed.attachments[0]?.contentType, 'message/rfc822');
    assert.match(parsed.attachments[0]?.content.toString() ?? '', /voici le lien/);
    assert.equal(
      sink.messages.some((m) => m.to.includes('bob@gone.test')),
      false,
    );
  });

  it('logs and counts our own mail refused with 550, and writes no notice about it', async () => {
    sink.failNext.push(550);
    const notices = async () =>
      (await listOutgoingMail(db, {})).filter((r) => r.purpose === 'sender.undelivered').length;
    const noticesBefore = await notices();
    const id = await enqueue({
      from: 'noreply@paraphe.test',
      to: ['carol@y.test'],
      raw: copyOf('carol@y.test'),
      purpose: 'signing.turn',
    });
    await worker().runOnce();
    const rows = await listOutgoingMail(db, {});
    assert.equal(rows.find((r) => r.id === id)?.status, 'refused');
    assert.match(rows.find((r) => r.id === id)?.lastError ?? '', /550/);
    assert.equal(await notices(), noticesBefore);
    assert.deepEqual(refusals, [{ purpose: 'signing.turn', isNoticeQueued: false }]);
    assert.equal(sink.messages.length, 0);
  });

  it('keeps retrying a 4xx with backoff, as before', async () => {
    sink.failNext.push(451);
    const id = await enqueue(signerCopy('dan@y.test', 'en'));
    await assert.rejects(deliverOutgoingMail(deps(), id), { code: 'MAIL_RELAY_UNAVAILABLE' });
    assert.equal((await listOutgoingMail(db, {})).find((r) => r.id === id)?.status, 'queued');
    assert.equal(await deliverOutgoingMail(deps(), id), 'sent');
    assert.deepEqual(
      sink.messages.map((m) => m.to),
      [['dan@y.test']],
    );
    assert.deepEqual(refusals, []);
  });

  it('leaves the original out of a notice that would exceed the size limit, and still explains', async () => {
    sink.refuseRecipients.set('erin@gone.test', 552);
    const big = `${'Annexe volumineuse. '.repeat(4000)}\r\n`;
    const id = await enqueue(signerCopy('erin@gone.test', 'en', big));
    const maxBytes = 40_000;
    assert.equal(await deliverOutgoingMail(deps(maxBytes), id), 'refused');
    const [noticeRow] = (await listOutgoingMail(db, {})).filter(
      (r) =>
        r.purpose === 'sender.undelivered' && r.to.includes('alice@client.test') && r.status === 'queued',
    );
    assert.ok(noticeRow);
    assert.equal(await deliverOutgoingMail(deps(maxBytes), noticeRow.id), 'sent');
    const notice = sink.messages.find((m) => m.to.includes('alice@client.test'));
    assert.ok(notice);
    assert.ok(notice.raw.length <= maxBytes, `notice of ${notice.raw.length} bytes`);
    const parsed = await simpleParser(notice.raw);
    assert.match(parsed.text ?? '', /The mail server of erin@gone\.test refused for good/);
    assert.match(parsed.text ?? '', /552/);
    assert.match(parsed.text ?? '', /only its headers are attached/);
    assert.equal(parsed.attachments[0]?.contentType, 'text/rfc822-headers');
    const headers = parsed.attachments[0]?.content.toString() ?? '';
    assert.match(headers, /Subject: Contrat/);
    assert.doesNotMatch(headers, /Annexe volumineuse/);
  });
});
