import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { migrate, openPglite, openPostgres } from '../../src/db/index.js';
import { type SmtpRecipientResult, sendSmtp } from '../../src/mail/outbound/index.js';
import { freePort } from '../support/ports.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { makeTestPdf } from '../support/test-pdf.js';
import { waitFor } from '../support/wait.js';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const RECIPIENTS = ['bob@example.test', 'carol@example.test', 'dan@example.test'];
const DEMO = 'demo@paraphe.test';

/**
 * Paraphe as a separate process (`paraphe start --roles mail,worker`), killed with SIGKILL at
 * chosen moments while a *SIGN message is being handed over, restarted, and the message offered
 * again as Postfix would. Embedded PGlite on disk, or the Postgres server the test command gives.
 */
describe('killing Paraphe during a *SIGN transaction', () => {
  let dataDir: string;
  let sink: SmtpSink;
  let lmtpPort: number;
  let child: ChildProcess | null = null;
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;

  const start = async () => {
    const env = {
      ...process.env,
      PARAPHE_DATA_DIR: dataDir,
      PARAPHE_LMTP_PORT: String(lmtpPort),
      PARAPHE_SMTP_PORT: String(await freePort()),
      PARAPHE_HTTP_PORT: String(await freePort()),
      PARAPHE_RELAY_URL: sink.url,
      PARAPHE_PUBLIC_URL: 'https://sign.paraphe-test.example',
      PARAPHE_DEMO_MAILBOX: DEMO,
      PARAPHE_JOBS_POLL_MS: '100',
      // A killed process leaves job leases and outbox claims behind; let them expire quickly.
      PARAPHE_JOBS_LEASE_SECONDS: '3',
      PARAPHE_MAIL_SEND_CLAIM_SECONDS: '3',
      PARAPHE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(dbUrl ? { DATABASE_URL: dbUrl, PARAPHE_OTP_SECRET: 'crash-test-otp-secret-0123456789abcdef' } : {}),
    };
    child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src/main.ts'), 'start', '--roles', 'mail,worker'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const started = child;
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env.TEST_LOG_LEVEL) process.stderr.write(chunk);
    });
    await waitFor(
      () =>
        new Promise<boolean>((resolve, reject) => {
          if (started.exitCode !== null) reject(new Error(`paraphe exited (${started.exitCode}): ${stderr}`));
          const socket = net.connect({ host: '127.0.0.1', port: lmtpPort });
          socket.once('data', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
      { timeoutMs: 60_000, intervalMs: 100, what: 'paraphe to listen' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`, { cause: error.cause });
    });
  };
  const kill = async () => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'paraphe-crash-'));
    sink = await startSmtpSink();
    lmtpPort = await freePort();
    const adminUrl = process.env.PARAPHE_TEST_DATABASE_URL;
    if (adminUrl) {
      const pg = (await import('pg')).default;
      const name = `paraphe_crash_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      dbUrl = url.toString();
      // Postgres mode creates no demo account: make the sender a customer by hand.
      const db = await openPostgres({ url: dbUrl, poolSize: 2 });
      await migrate(db);
      await db.query(
        `INSERT INTO accounts (id, name, subscription_until, created_at) VALUES (gen_random_uuid(), 'Démo', '2099-12-31', now())`,
      );
      await db.query(
        `INSERT INTO mailboxes (id, account_id, address, created_at) SELECT gen_random_uuid(), id, $1, now() FROM accounts`,
        [DEMO],
      );
      await db.close();
      dropDb = async () => {
        const dropper = new pg.Client({ connectionString: adminUrl });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      };
    }
  });
  after(async () => {
    await kill();
    await sink?.close();
    await dropDb?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no message and creates exactly one envelope, whenever the process dies', async (t) => {
    const raw = await new MailComposer({
      from: `Démo <${DEMO}>`,
      to: RECIPIENTS,
      subject: 'Bon de commande *SIGN',
      messageId: '<crash-test-1@paraphe.test>',
      text: 'Merci de signer.',
      attachments: [
        {
          filename: 'commande.pdf',
          content: Buffer.from(await makeTestPdf({ pages: 3, minBytes: 300_000 })),
        },
      ],
    })
      .compile()
      .build();
    // As Postfix: offer the message until every recipient got a 250, retrying the others only.
    let pending = [...RECIPIENTS];
    const offer = (): Promise<SmtpRecipientResult[]> =>
      sendSmtp({ host: '127.0.0.1', port: lmtpPort, isLmtp: true, from: DEMO, to: pending, body: raw });

    // Calibrate: how long one uninterrupted request takes here (another message, its own envelope),
    // then kill at fractions of that, before and after the 250, while copies are being sent.
    await start();
    const calibration = Buffer.from(
      raw
        .toString('latin1')
        .replace('<crash-test-1@paraphe.test>', '<crash-calibration@paraphe.test>')
        .replace('Subject: Bon de commande', 'Subject: Calibration'),
      'latin1',
    );
    const t0 = performance.now();
    await sendSmtp({
      host: '127.0.0.1',
      port: lmtpPort,
      isLmtp: true,
      from: DEMO,
      to: RECIPIENTS,
      body: calibration,
    });
    const requestMs = performance.now() - t0;
    await kill();

    const killDelaysMs = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1, 1.1, 1.3, 1.6].map((f) => Math.round(f * requestMs));
    let kills = 0;
    const timeline: string[] = [];
    for (const delay of killDelaysMs) {
      await start();
      // Once every recipient was accepted, the kills land on the delivery of the copies.
      const attempt =
        pending.length > 0
          ? offer().then(
              (results) => results,
              () => [] as SmtpRecipientResult[],
            )
          : Promise.resolve([] as SmtpRecipientResult[]);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await kill();
      kills++;
      const results = await attempt;
      const done = new Set(results.filter((r) => r.code === 250).map((r) => r.address));
      timeline.push(`${delay} ms: ${done.size} accepted`);
      pending = pending.filter((r) => !done.has(r));
    }
    await start();
    for (let tries = 0; pending.length > 0 && tries < 5; tries++) {
      const results = await offer().catch(() => [] as SmtpRecipientResult[]);
      const done = new Set(results.filter((r) => r.code === 250).map((r) => r.address));
      pending = pending.filter((r) => !done.has(r));
    }
    assert.deepEqual(pending, [], 'every recipient was eventually accepted');

    // Every recipient receives its copy (from the immediate attempt or the mail.deliver job).
    const copiesFor = (address: string) =>
      sink.messages.filter((m) => m.to.includes(address) && m.raw.includes('Bon de commande'));
    await waitFor(() => RECIPIENTS.every((r) => copiesFor(r).length > 0), {
      timeoutMs: 90_000,
      intervalMs: 100,
      what: 'a copy for every recipient',
    });
    const links = new Set<string>();
    for (const address of RECIPIENTS) {
      for (const copy of copiesFor(address)) {
        const parsed = await simpleParser(copy.raw);
        const link = (parsed.text ?? '').match(
          /https:\/\/sign\.paraphe-test\.example\/s\/[A-Za-z0-9_-]+/,
        )?.[0];
        assert.ok(link, `the copy for ${address} carries a link`);
        links.add(`${address} ${link}`);
      }
    }
    // A copy sent twice (killed between the send and its bookkeeping) carries the same link.
    assert.equal(links.size, RECIPIENTS.length);
    const duplicates = RECIPIENTS.reduce((n, r) => n + copiesFor(r).length - 1, 0);
    t.diagnostic(
      `request ≈ ${Math.round(requestMs)} ms; ${kills} kills (${timeline.join('; ')}), ${duplicates} duplicate copies`,
    );

    // Stop gracefully, then count envelopes in the database the process used.
    const current = child;
    child = null;
    if (current) {
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGTERM');
      await exited;
    }
    const db = dbUrl
      ? await openPostgres({ url: dbUrl, poolSize: 1 })
      : await openPglite(path.join(dataDir, 'pglite'));
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes');
      assert.equal(rows[0]?.n, 2, 'exactly one envelope for the message, besides the calibration one');
    } finally {
      await db.close();
    }
  });
});
