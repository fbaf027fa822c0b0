import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import pg from 'pg';
import { createAccount } from '../../src/accounts/index.js';
import { checkBilling, creditAccount } from '../../src/billing/index.js';
import { openS3BlobStore } from '../../src/blobs/s3-store.js';
import { loadConfig } from '../../src/config/index.js';
import { type Db, migrate, openPostgres } from '../../src/db/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { offerUntilAccepted, signUntilSigned } from '../support/cluster-load.js';
import { type ParapheNode, parapheNode } from '../support/paraphe-node.js';
import { startS3Server, TEST_BUCKET } from '../support/s3-server.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import { makeTestPdf } from '../support/test-pdf.js';
import { waitFor } from '../support/wait.js';

const adminUrl = process.env.PARAPHE_TEST_DATABASE_URL;
const SENDER = 'demo@paraphe.test';
const PUBLIC_URL = 'https://sign.paraphe-test.example';
/** Mails of each kind (one *SIGN, one pass-through) sent while the chaos lasts, within bounds. */
const MIN_MAILS = 10;
const MAX_MAILS = 60;
const LOAD_EVERY_MS = 700;
const KILLS = 2;
const billingRules = loadConfig({}).billing;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deterministic draws from a printed seed, so a failing run can be replayed (PARAPHE_CHAOS_SEED). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Three `paraphe start` processes on one Postgres database and one S3 store (s3rver), roles split
 * and mixed (mail+web, web+worker, mail+worker), under a load of *SIGN mails, signers and
 * pass-through mails, while one node at a time is killed with SIGKILL and started again. Checks the
 * promises of docs/ARCHITECTURE.md and docs/operations/scaling.md: nothing accepted is lost, each
 * envelope is sealed once, no job is lost or has its effect twice, the billing ledger balances.
 */
describe('several nodes on one Postgres and one S3 store, under kill -9', {
  skip: adminUrl
    ? false
    : 'needs a Postgres server (PARAPHE_TEST_DATABASE_URL, the Postgres pass of npm test)',
}, () => {
  let db: Db;
  let dbName = '';
  let dbUrl = '';
  let sink: SmtpSink;
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  let nodes: ParapheNode[] = [];

  before(async () => {
    dbName = `paraphe_nodes_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl ?? '');
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    db = await openPostgres({ url: dbUrl, poolSize: 4 });
    await migrate(db);
    // Postgres mode creates no demo account: the operator makes the sender a customer.
    const account = await createAccount(
      { db, clock: systemClock, ids: randomIds },
      { name: 'Démo', mailboxes: [SENDER], subscriptionUntil: '2099-12-31' },
    );
    // Beyond the free window every signature is charged: a balance for the whole load.
    await creditAccount(
      { db, clock: systemClock, ids: randomIds, rules: billingRules },
      { accountId: account.id, amountCents: 100_000, reference: 'multi-node test', actor: 'operator' },
    );
    sink = await startSmtpSink();
    s3 = await startS3Server();
    const store = s3.settings('path');
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: dbUrl,
      PARAPHE_DB_POOL_SIZE: '5',
      // Dev mode for the dev SMS outbox and the generated seal key (one per node's data folder).
      PARAPHE_DEV: '1',
      PARAPHE_OTP_SECRET: 'multi-node-otp-secret-0123456789abcdef',
      PARAPHE_PUBLIC_URL: PUBLIC_URL,
      PARAPHE_RELAY_URL: sink.url,
      PARAPHE_BLOB_STORE: 's3',
      PARAPHE_S3_BUCKET: TEST_BUCKET,
      PARAPHE_S3_PREFIX: 'blobs',
      PARAPHE_S3_ENDPOINT: store.endpoint,
      PARAPHE_S3_FORCE_PATH_STYLE: '1',
      PARAPHE_S3_ACCESS_KEY_ID: store.accessKeyId,
      PARAPHE_S3_SECRET_ACCESS_KEY: store.secretAccessKey,
      PARAPHE_JOBS_POLL_MS: '100',
      // A killed node leaves job leases, outbox and SMS claims behind: let them expire quickly.
      PARAPHE_JOBS_LEASE_SECONDS: '3',
      PARAPHE_MAIL_SEND_CLAIM_SECONDS: '3',
      PARAPHE_SMS_SEND_LEASE_SECONDS: '3',
      PARAPHE_OTP_RESEND_SECONDS: '1',
      PARAPHE_SMS_MAX_PER_SIGNER_HOUR: '100',
      PARAPHE_SIGNING_RATE_PER_IP_MINUTE: '100000',
      PARAPHE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    };
    nodes = [
      await parapheNode({ name: 'A', roles: ['mail', 'web'], env }),
      await parapheNode({ name: 'B', roles: ['web', 'worker'], env }),
      await parapheNode({ name: 'C', roles: ['mail', 'worker'], env }),
    ];
    // Together, as a fleet comes up: migrations run under an advisory lock, once.
    await Promise.all(nodes.map((n) => n.start()));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db?.close();
    await sink?.close();
    await s3?.close();
    if (dbName) {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await dropper.end();
    }
  });

  it('delivers every accepted mail, seals every envelope once and loses no job', async (t) => {
    const seed = Number(process.env.PARAPHE_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = seeded(seed);
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
    const alive = (role: 'mail' | 'web') => nodes.filter((n) => n.roles.includes(role) && n.isRunning());
    let offers = 0;
    let offersInFlight = 0;
    const offer = async (raw: Buffer, from: string, to: string[], isLmtp: boolean) => {
      offersInFlight++;
      try {
        const made = await offerUntilAccepted({ raw, from, to, isLmtp, targets: () => alive('mail') });
        offers += made;
      } finally {
        offersInFlight--;
      }
    };

    const signMail = (i: number) =>
      makeTestPdf({ pages: 1 }).then((pdf) =>
        new MailComposer({
          from: `Démo <${SENDER}>`,
          to: `signer-${i}@example.test`,
          subject: `Contrat ${i} *SIGN`,
          messageId: `<sign-${i}-${seed}@paraphe.test>`,
          text: 'Merci de signer.',
          attachments: [{ filename: `contrat-${i}.pdf`, content: Buffer.from(pdf) }],
        })
          .compile()
          .build(),
      );
    const passTo = (i: number) => [`pass-${i}a@example.test`, `pass-${i}b@example.test`];
    const passMail = (i: number) =>
      new MailComposer({
        from: 'someone@elsewhere.test',
        to: passTo(i),
        subject: `Nouvelles ${i}`,
        messageId: `<pass-${i}-${seed}@paraphe.test>`,
        text: `Message ordinaire ${i}.`,
      })
        .compile()
        .build();
    const copyFor = (address: string) =>
      sink.messages.find((m) => m.to.includes(address) && m.raw.includes(`${PUBLIC_URL}/s/`));

    /** The signer of mail i: waits for their copy, then signs on a web node that is up. */
    const signer = async (i: number) => {
      const address = `signer-${i}@example.test`;
      const copy = await waitFor(() => copyFor(address), {
        timeoutMs: 120_000,
        what: `the copy for ${address}`,
      });
      const text = (await simpleParser(copy.raw)).text ?? '';
      const token = new RegExp(`${PUBLIC_URL}/s/([\\w-]+)`).exec(text)?.[1] ?? '';
      return signUntilSigned({
        db,
        token,
        address,
        phone: `0612${String(i).padStart(6, '0')}`,
        web: () => pick(alive('web'))?.web ?? null,
      });
    };

    // The load: a *SIGN mail and a pass-through mail every LOAD_EVERY_MS, spread over the mail
    // nodes (LMTP; every other pass-through over SMTP), until the chaos is over; signers as their
    // copies arrive.
    const started = performance.now();
    let isChaosOver = false;
    let mails = 0;
    const flows: Promise<number>[] = [];
    const load = (async () => {
      for (; mails < MAX_MAILS && (!isChaosOver || mails < MIN_MAILS); mails++) {
        const i = mails;
        const [signRaw, passRaw] = [await signMail(i), await passMail(i)];
        flows.push(offer(signRaw, SENDER, [`signer-${i}@example.test`], true).then(() => signer(i)));
        flows.push(offer(passRaw, 'someone@elsewhere.test', passTo(i), i % 2 === 0).then(() => 0));
        await sleep(LOAD_EVERY_MS);
      }
    })();

    // The chaos: twice, a random node dies at a random moment of the load and is started again.
    // Recovered = the work in flight at the kill (jobs running, mail being sent) is all finished:
    // what the dead node held comes back when its lease or claim expires.
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(1500 + random() * 2500);
      const victim = pick(nodes) as ParapheNode;
      const inFlight = await db.query<{ id: string; source: string }>(
        `SELECT id::text, 'job' AS source FROM jobs WHERE status = 'running'
         UNION ALL SELECT id::text, 'mail' FROM mail_outbox WHERE status = 'sending'`,
      );
      const at = performance.now();
      const offersThen = offersInFlight;
      await victim.kill();
      const ids = inFlight.rows.map((r) => r.id);
      const recovered = waitFor(
        async () =>
          (
            await db.query(
              `SELECT id FROM jobs WHERE id::text = ANY($1) AND status = 'running'
               UNION ALL SELECT id FROM mail_outbox WHERE id::text = ANY($1) AND status = 'sending'`,
              [ids],
            )
          ).rows.length === 0,
        { timeoutMs: 120_000, intervalMs: 100, what: 'the work in flight at the kill' },
      ).then(() => performance.now() - at);
      await victim.start();
      const readyMs = performance.now() - at;
      kills.push(
        `${victim.name} (${victim.roles.join('+')}) at ${((at - started) / 1000).toFixed(1)} s with ${offersThen} offers, ${inFlight.rows.filter((r) => r.source === 'job').length} jobs, ${inFlight.rows.filter((r) => r.source === 'mail').length} sends in flight: work recovered after ${Math.round(await recovered)} ms, node ready again after ${Math.round(readyMs)} ms`,
      );
    }
    isChaosOver = true;
    await load;
    const retries = (await Promise.all(flows)).reduce((a, b) => a + b, 0);

    // Quiet again: every envelope completed, every outgoing mail sent, the work queue empty.
    const drained = async () => {
      const { rows } = await db.query<{ pending: number; busy: number; jobs: number }>(
        `SELECT (SELECT count(*)::int FROM envelopes WHERE status <> 'completed') AS pending,
                (SELECT count(*)::int FROM mail_outbox WHERE status IN ('queued', 'sending')) AS busy,
                (SELECT count(*)::int FROM jobs WHERE status IN ('queued', 'running')
                   AND kind NOT IN (SELECT kind FROM job_schedules)) AS jobs`,
      );
      const r = rows[0];
      return r && r.pending === 0 && r.busy === 0 && r.jobs === 0;
    };
    await waitFor(drained, { timeoutMs: 120_000, intervalMs: 200, what: 'the cluster to finish its work' });
    const settledMs = performance.now() - started;

    // Every accepted mail delivered, at least once (docs/operations/postfix.md); count the extras.
    let duplicates = 0;
    let delivered = 0;
    const countAt = (address: string, marker: string) =>
      sink.messages.filter((m) => m.to.includes(address) && m.raw.includes(marker)).length;
    for (let i = 0; i < mails; i++)
      for (const r of [`pass-${i}a@example.test`, `pass-${i}b@example.test`]) {
        const n = countAt(r, `<pass-${i}-${seed}@paraphe.test>`);
        assert.ok(n >= 1, `pass-through mail ${i} reached ${r}`);
        delivered++;
        duplicates += n - 1;
      }
    for (let i = 0; i < mails; i++) {
      const n = countAt(`signer-${i}@example.test`, `${PUBLIC_URL}/s/`);
      assert.ok(n >= 1, `signer ${i} got the copy with the link`);
      delivered++;
      duplicates += n - 1;
    }
    const outbox = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM mail_outbox GROUP BY status',
    );
    assert.deepEqual(
      outbox.rows.filter((r) => r.status !== 'sent'),
      [],
      'every outgoing mail Paraphe took on was sent',
    );

    // One envelope per *SIGN message, sealed once: one sealed PDF per document, in the S3 store,
    // one completion, one mail of the signed PDF to the sender and to the signer.
    const envelopes = await db.query<{
      id: string;
      sealed: number;
      documents: number;
      completions: number;
      sealedEvents: number;
      completedMails: number;
    }>(
      `SELECT e.id,
              (SELECT count(*)::int FROM sealed_documents s WHERE s.envelope_id = e.id) AS sealed,
              (SELECT count(*)::int FROM documents d WHERE d.envelope_id = e.id) AS documents,
              (SELECT count(*)::int FROM audit_events a WHERE a.envelope_id = e.id AND a.type = 'envelope.completed') AS completions,
              (SELECT count(*)::int FROM audit_events a WHERE a.envelope_id = e.id AND a.type = 'envelope.sealed') AS "sealedEvents",
              (SELECT count(*)::int FROM mail_outbox o WHERE o.envelope_id = e.id AND o.purpose = 'signing.completed') AS "completedMails"
         FROM envelopes e`,
    );
    assert.equal(envelopes.rows.length, mails, 'one envelope per *SIGN message');
    for (const e of envelopes.rows) {
      assert.equal(e.sealed, e.documents, `envelope ${e.id}: every document sealed`);
      assert.equal(e.completions, 1, `envelope ${e.id}: completed once`);
      assert.ok(e.sealedEvents <= 1, `envelope ${e.id}: sealed once`);
      assert.equal(
        e.completedMails,
        2,
        `envelope ${e.id}: the signed PDF mailed once to the sender and the signer`,
      );
    }
    const store = await openS3BlobStore({ settings: s3.settings('path'), ids: randomIds });
    try {
      const sealed = await db.query<{ sha256: string }>('SELECT sha256 FROM sealed_documents');
      for (const { sha256 } of sealed.rows)
        assert.ok(await store.has(sha256), `sealed PDF ${sha256} is in S3`);
    } finally {
      await store.close?.();
    }
    const sealedMails = sink.messages.filter(
      (m) => m.raw.includes('application/pdf') && !m.raw.includes(`${PUBLIC_URL}/s/`),
    ).length;

    // No job lost (none failed, none held by a dead node's lease) nor its effect doubled (above).
    const jobs = await db.query<{ kind: string; status: string; n: number; attempts: number }>(
      `SELECT kind, status, count(*)::int AS n, sum(attempts)::int AS attempts FROM jobs GROUP BY kind, status ORDER BY kind, status`,
    );
    assert.deepEqual(
      jobs.rows.filter((r) => r.status === 'failed'),
      [],
      'no job failed',
    );
    const stuck = await db.query(`SELECT id FROM jobs WHERE status = 'running' AND lease_expires_at < now()`);
    assert.equal(stuck.rows.length, 0, 'no job stuck under an expired lease');
    const seals = jobs.rows.filter((r) => r.kind === 'signing.seal');
    // The books agree: totals equal the sums, one charge or free entry per signature, holds released.
    const books = await checkBilling(db, { now: new Date(), rules: billingRules });
    assert.deepEqual(books.problems, [], 'the billing ledger is balanced');
    const ledger = await db.query<{ kind: string; n: number; cents: string }>(
      'SELECT kind, count(*)::int AS n, sum(amount_cents)::text AS cents FROM ledger_entries GROUP BY kind ORDER BY kind',
    );

    t.diagnostic(`seed ${seed}; nodes A mail+web, B web+worker, C mail+worker; one Postgres, one S3 store`);
    t.diagnostic(
      `mails accepted ${2 * mails} (${mails} *SIGN, ${mails} pass-through to 2 recipients) in ${offers} offers; delivered ${delivered}/${3 * mails} recipient copies, ${duplicates} duplicate(s), 0 lost`,
    );
    t.diagnostic(
      `envelopes sealed ${envelopes.rows.length}/${mails} (each once; ${sealedMails} signed-PDF mails), signer retries after failures ${retries}`,
    );
    t.diagnostic(`kill -9: ${kills.join('; ')}`);
    t.diagnostic(
      `all work done ${(settledMs / 1000).toFixed(1)} s after the load began; seal jobs ${seals.map((s) => `${s.n} ${s.status} (${s.attempts} attempts)`).join(', ')}; billing ledger balanced (${books.entries} entries: ${ledger.rows.map((r) => `${r.n} ${r.kind} ${r.cents} c`).join(', ')})`,
    );
  });
});
