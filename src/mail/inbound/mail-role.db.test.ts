import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { freshDb } from '../../../test/support/db.js';
import { silentLogger } from '../../../test/support/logger.js';
import { type SmtpSink, startSmtpSink } from '../../../test/support/smtp-sink.js';
import { waitFor } from '../../../test/support/wait.js';
import { createAccount } from '../../accounts/index.js';
import { type BlobStore, openFsBlobStore } from '../../blobs/index.js';
import type { Db } from '../../db/index.js';
import { systemClock } from '../../shared/clock.js';
import { randomIds } from '../../shared/ids.js';
import { sendSmtp } from '../outbound/index.js';
import type { SignRequestInput, SignRequestOutcome } from './sign-request-port.js';
import { type MailRole, startMailRole } from './start-mail-role.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function message(subject: string, body = 'Bonjour,\r\n.leading dot line\r\n..two dots\r\nfin\r\n'): Buffer {
  return Buffer.from(
    `From: Alice <alice@customer.test>\r\nTo: bob@else.test\r\nSubject: ${subject}\r\nMessage-ID: <m1@customer.test>\r\n\r\n${body}`,
    'utf8',
  );
}

describe('mail role (LMTP and SMTP listeners in front of the filter)', () => {
  let db: Db;
  let blobs: BlobStore;
  let dir: string;
  let sink: SmtpSink;
  let role: MailRole;
  const signCalls: SignRequestInput[] = [];
  let signBehaviour: () => Promise<SignRequestOutcome> = async () => ({
    outcome: 'created',
    envelopeId: 'env-1',
  });

  before(async () => {
    db = await freshDb();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-mail-'));
    blobs = await openFsBlobStore({ root: dir, ids: randomIds });
    await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Customer', mailboxes: ['alice@customer.test'], subscriptionUntil: '2099-12-31' },
    );
    await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Lapsed', mailboxes: ['old@lapsed.test'], subscriptionUntil: '2001-01-01' },
    );
    sink = await startSmtpSink();
    role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: sink.url,
        allowedClients: ['127.0.0.1'],
        maxBytes: 64 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs,
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      handleSignRequest: async (input) => {
        signCalls.push(input);
        return signBehaviour();
      },
    });
  });
  after(async () => {
    await role.stop();
    await sink.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sink.messages.length = 0;
    signCalls.length = 0;
  });

  const lmtp = (opts: Partial<Parameters<typeof sendSmtp>[0]> & { body: Uint8Array }) =>
    sendSmtp({
      host: '127.0.0.1',
      port: role.lmtpPort,
      isLmtp: true,
      from: 'alice@customer.test',
      to: ['bob@else.test'],
      ...opts,
    });

  it('passes a normal message through byte for byte with the same envelope and DSN parameters', async () => {
    const raw = message('Facture de novembre');
    const results = await lmtp({
      body: raw,
      to: ['bob@else.test', 'carol@else.test'],
      dsn: {
        ret: 'HDRS',
        envid: 'Q1+2Bx',
        notify: { 'bob@else.test': 'SUCCESS,FAILURE' },
        orcpt: { 'bob@else.test': 'rfc822;bob@else.test' },
      },
    });
    assert.deepEqual(
      results.map((r) => r.code),
      [250, 250],
    );
    const [got] = sink.messages;
    assert.equal(got?.sha256, sha(raw));
    assert.equal(got?.from, 'alice@customer.test');
    assert.deepEqual(got?.to, ['bob@else.test', 'carol@else.test']);
    assert.equal(got?.mailArgs.RET, 'HDRS');
    assert.equal(got?.mailArgs.ENVID, 'Q1+x');
    assert.equal(got?.rcptArgs[0]?.NOTIFY, 'SUCCESS,FAILURE');
    assert.equal(got?.rcptArgs[0]?.ORCPT, 'rfc822;bob@else.test');
    assert.equal(signCalls.length, 0);
  });

  it('keeps 8-bit bytes and bare LF line endings untouched', async () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: caf\xe9\nContent-Type: text/plain; charset=iso-8859-1\n\n', 'latin1'),
      Buffer.from([0xe9, 0xe8, 0x0a, 0x2e, 0x0a, 0xff, 0x0d, 0x0a]),
    ]);
    const results = await lmtp({ body: raw, is8BitMime: true });
    assert.equal(results[0]?.code, 250);
    assert.equal(sink.messages[0]?.sha256, sha(raw));
    assert.equal(sink.messages[0]?.mailArgs.BODY, '8BITMIME');
  });

  it('hands a *SIGN message from a subscribed mailbox to the signature request, with the queue id', async () => {
    const raw = message('=?UTF-8?Q?Contrat_=2ASIGN?=');
    const results = await lmtp({ body: raw, to: ['bob@else.test', 'carol@else.test'] });
    assert.deepEqual(
      results.map((r) => r.code),
      [250, 250],
    );
    assert.equal(sink.messages.length, 0);
    assert.equal(signCalls.length, 1);
    assert.equal(sha(signCalls[0]?.raw ?? new Uint8Array()), sha(raw));
    assert.deepEqual(signCalls[0]?.recipients, ['bob@else.test', 'carol@else.test']);
    assert.equal(signCalls[0]?.sender.address, 'alice@customer.test');
  });

  it('passes *SIGN through when the sender is not a customer', async () => {
    await lmtp({ body: message('Contrat *SIGN'), from: 'stranger@else.test' });
    assert.equal(signCalls.length, 0);
    assert.equal(sink.messages.length, 1);
  });

  it('hands *SIGN from a mailbox whose subscription ended to the signature request, never through', async () => {
    signBehaviour = async () => ({ outcome: 'refused', problems: ['SIGN_REQUEST_SUBSCRIPTION_ENDED'] });
    try {
      const results = await lmtp({ body: message('Contrat *SIGN'), from: 'old@lapsed.test' });
      assert.equal(results[0]?.code, 250);
      assert.equal(sink.messages.length, 0);
      assert.equal(signCalls[0]?.sender.hasValidSubscription, false);
    } finally {
      signBehaviour = async () => ({ outcome: 'created', envelopeId: 'env-1' });
    }
  });

  it('answers 451 for every recipient when storing the signature request fails', async () => {
    signBehaviour = async () => {
      throw new Error('database gone');
    };
    try {
      const results = await lmtp({ body: message('*SIGN'), to: ['bob@else.test', 'carol@else.test'] });
      assert.deepEqual(
        results.map((r) => r.code),
        [451, 451],
      );
    } finally {
      signBehaviour = async () => ({ outcome: 'created', envelopeId: 'env-1' });
    }
  });

  it('answers per recipient over LMTP with what the next hop said for each', async () => {
    sink.refuseRecipients.set('gone@else.test', 550);
    sink.refuseRecipients.set('later@else.test', 450);
    try {
      const results = await lmtp({
        body: message('hello'),
        to: ['bob@else.test', 'gone@else.test', 'later@else.test'],
      });
      assert.deepEqual(
        results.map((r) => r.code),
        [250, 550, 451],
      );
      assert.deepEqual(sink.messages[0]?.to, ['bob@else.test']);
    } finally {
      sink.refuseRecipients.clear();
    }
  });

  it('answers 451 when the next hop refuses the data temporarily, and 250 on the retry', async () => {
    sink.failNext.push(451);
    const first = await lmtp({ body: message('retry me') });
    assert.equal(first[0]?.code, 451);
    assert.equal(sink.messages.length, 0);
    const second = await lmtp({ body: message('retry me') });
    assert.equal(second[0]?.code, 250);
    assert.equal(sink.messages.length, 1);
  });

  it('refuses a message over the size limit without the next hop keeping any of it', async () => {
    const big = message('big', `${'x'.repeat(998)}\r\n`.repeat(100));
    const results = await lmtp({ body: big });
    assert.equal(results[0]?.code, 552);
    assert.equal(sink.messages.length, 0);
    // The session is still usable afterwards.
    assert.equal((await lmtp({ body: message('small') }))[0]?.code, 250);
  });

  it('gives one reply over SMTP, and passes the message on', async () => {
    const raw = message('via smtp');
    const results = await sendSmtp({
      host: '127.0.0.1',
      port: role.smtpPort,
      from: 'alice@customer.test',
      to: ['bob@else.test'],
      body: raw,
    });
    assert.equal(results[0]?.isAccepted, true);
    assert.equal(sink.messages[0]?.sha256, sha(raw));
  });
});

describe('mail role, next hop down', () => {
  it('answers 451 so the MTA keeps the message', async () => {
    const db = await freshDb();
    const role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: 'smtp://127.0.0.1:1',
        allowedClients: ['127.0.0.1'],
        maxBytes: 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs: await openFsBlobStore({
        root: await mkdtemp(path.join(tmpdir(), 'paraphe-mail-')),
        ids: randomIds,
      }),
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      handleSignRequest: async () => ({ outcome: 'created', envelopeId: 'x' }),
    });
    try {
      const results = await sendSmtp({
        host: '127.0.0.1',
        port: role.lmtpPort,
        isLmtp: true,
        from: 'a@x.test',
        to: ['b@y.test', 'c@y.test'],
        body: message('hello'),
      });
      assert.deepEqual(
        results.map((r) => r.code),
        [451, 451],
      );
    } finally {
      await role.stop();
      await db.close();
    }
  });

  it('refuses clients that are not in the allowed list', async () => {
    const db = await freshDb();
    const role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: 'smtp://127.0.0.1:1',
        allowedClients: ['192.0.2.1'],
        maxBytes: 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs: await openFsBlobStore({
        root: await mkdtemp(path.join(tmpdir(), 'paraphe-mail-')),
        ids: randomIds,
      }),
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      handleSignRequest: async () => ({ outcome: 'created', envelopeId: 'x' }),
    });
    try {
      await assert.rejects(
        sendSmtp({
          host: '127.0.0.1',
          port: role.smtpPort,
          from: 'a@x.test',
          to: ['b@y.test'],
          body: message('hello'),
        }),
        (error: { code?: number }) => error.code === 554,
      );
    } finally {
      await role.stop();
      await db.close();
    }
  });
});

describe('mail role, graceful stop', () => {
  it('finishes the transaction in progress, answers 250, then refuses new connections', async () => {
    const db = await freshDb();
    await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Customer', mailboxes: ['alice@customer.test'], subscriptionUntil: '2099-12-31' },
    );
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let isHandling = false;
    const role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: 'smtp://127.0.0.1:1',
        allowedClients: ['127.0.0.1'],
        maxBytes: 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs: await openFsBlobStore({
        root: await mkdtemp(path.join(tmpdir(), 'paraphe-mail-')),
        ids: randomIds,
      }),
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      handleSignRequest: async () => {
        isHandling = true;
        await gate;
        return { outcome: 'created', envelopeId: 'env-stop' };
      },
    });
    const port = role.lmtpPort;
    const inFlight = sendSmtp({
      host: '127.0.0.1',
      port,
      isLmtp: true,
      from: 'alice@customer.test',
      to: ['bob@else.test'],
      body: message('Contrat *SIGN'),
    });
    await waitFor(() => isHandling, { what: 'the signature request to be in progress' });
    const stopped = role.stop();
    release();
    const results = await inFlight;
    assert.equal(results[0]?.code, 250);
    await stopped;
    await assert.rejects(
      sendSmtp({
        host: '127.0.0.1',
        port,
        isLmtp: true,
        from: 'a@x.test',
        to: ['b@y.test'],
        body: message('x'),
      }),
    );
    await db.close();
  });
});
