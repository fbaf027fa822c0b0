// Signing figures, one run: JS shipped to the signing page, time to page 1 of a 10-page PDF under
// 4G throttling, 100 concurrent signers (send-code / check-code / submit) over loopback, and the
// time from the last signature to the sealed mail in the dev mailbox for a 1 MB document.
// Run: npx tsx bench/signing.ts   (needs `node scripts/build-client.mjs` first and /usr/bin/chromium)
// Only the 100-signer burst (no browser, no build): PARAPHE_BENCH_ONLY=burst npx tsx bench/signing.ts
// It also prints the statements each request ran, counted on the app's database handle.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createAccount } from '../src/accounts/index.js';
import { createAppContext } from '../src/app/context.js';
import { startRoles } from '../src/app/start.js';
import { loadConfig } from '../src/config/index.js';
import type { Queryable, QueryResult } from '../src/db/index.js';
import { createEnvelope, issueSignerLink } from '../src/envelopes/index.js';
import { openBrowser } from '../test/e2e/signing-support.js';
import { makeTestPdf } from '../test/support/make-pdf.js';
import { signaturePng } from '../test/support/signature-png.js';
import {
  type BenchSigner,
  type FromSigner,
  type Pace,
  signOverHttp,
  type ToSigner,
} from './signing-signer.js';

const root = new URL('../', import.meta.url);
const gz = (file: string) => gzipSync(readFileSync(new URL(file, root)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** 1. JavaScript shipped to the signing page. */
function printShippedJs() {
  const js = gz('dist/client/signing.js');
  const worker = gz('dist/client/pdf.worker.min.mjs');
  const css = gz('src/web/public/app.css');
  console.log(
    `JS shipped to the signing page (gzip): ${kb(js)} (goal <= 250 KB); pdf.js worker aside: ${kb(worker)}; CSS ${kb(css)}`,
  );
}

const onlyBurst = process.env.PARAPHE_BENCH_ONLY === 'burst';

async function main() {
  if (!onlyBurst) printShippedJs();
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-bench-signing-'));
  const config = loadConfig({
    ...process.env,
    PARAPHE_DATA_DIR: path.join(dir, 'data'),
    PARAPHE_HTTP_PORT: '18480',
    PARAPHE_LOG_LEVEL: 'error',
    PARAPHE_JOBS_POLL_MS: '50',
    PARAPHE_SIGNING_RATE_PER_IP_MINUTE: '100000',
    // All the bench's envelopes come from one account; its SMS budget is not what is measured.
    PARAPHE_SMS_MAX_PER_ACCOUNT_HOUR: '1000',
  });
  const ctx = await createAppContext(config);
  // Every statement on the shared handle, in or out of a transaction, is counted: the processes'
  // domains all hold this one object, so patching it sees the request path and what follows it.
  let statements = 0;
  const { query, transaction } = ctx.db;
  const counted = (db: Queryable): Queryable => ({
    exec: (sql) => db.exec(sql),
    query: <Row>(sql: string, params?: readonly unknown[]) => {
      statements++;
      return db.query<Row>(sql, params);
    },
  });
  ctx.db.query = <Row>(sql: string, params?: readonly unknown[]) => {
    statements++;
    return query.call(ctx.db, sql, params) as Promise<QueryResult<Row>>;
  };
  ctx.db.transaction = <T>(fn: (tx: Queryable) => Promise<T>) =>
    transaction.call(ctx.db, (tx) => fn(counted(tx))) as Promise<T>;
  const service = await startRoles(ctx, ['web', 'worker']);
  const web = 'http://127.0.0.1:18480';
  const account = await createAccount(ctx, { name: 'Bench', mailboxes: ['bench@paraphe.test'] });
  const mailboxId =
    (await ctx.db.query<{ id: string }>('SELECT id FROM mailboxes WHERE account_id = $1', [account.id]))
      .rows[0]?.id ?? '';

  async function envelopeWith(
    pdfBytes: Uint8Array,
    key: string,
  ): Promise<{ token: string; documentId: string }> {
    const pdf = await ctx.blobs.put(pdfBytes);
    const raw = await ctx.blobs.put(new TextEncoder().encode(key));
    return ctx.db.transaction(async (tx) => {
      const created = await createEnvelope(tx, ctx, {
        accountId: account.id,
        mailboxId,
        senderAddress: 'bench@paraphe.test',
        subject: `Bench ${key}`,
        locale: 'fr',
        messageId: null,
        queueId: null,
        dedupeKey: key,
        raw,
        expiresAt: new Date(Date.now() + 86_400_000),
        documents: [
          {
            fileName: 'doc.pdf',
            sha256: pdf.sha256,
            sizeBytes: pdf.sizeBytes,
            pageCount: 1,
            hasSignatures: false,
          },
        ],
        signers: [{ address: `signer-${key}@example.test`, name: null }],
      });
      if (!created.isNew) throw new Error('duplicate');
      const signer = created.signers[0];
      if (!signer) throw new Error('no signer');
      const link = await issueSignerLink(tx, ctx, {
        signerId: signer.id,
        envelopeId: created.envelopeId,
        purpose: 'bench',
        publicUrl: web,
      });
      const doc = await tx.query<{ id: string }>('SELECT id FROM documents WHERE envelope_id = $1', [
        created.envelopeId,
      ]);
      return { token: link.token, documentId: doc.rows[0]?.id ?? '' };
    });
  }

  // A signature image as the browser sends it.
  const png = Buffer.from(signaturePng(600, 200)).toString('base64');

  // The signer reads their own SMS: one indexed lookup, not a scan of the whole outbox.
  const readCode = async (e164: string) => {
    const sms = await ctx.db.query<{ body: string }>(
      'SELECT body FROM dev_sms WHERE to_number = $1 ORDER BY created_at DESC LIMIT 1',
      [e164],
    );
    return /\b(\d{6})\b/.exec(sms.rows[0]?.body ?? '')?.[1] ?? '';
  };

  // 2. Page 1 of a 10-page PDF under 4G throttling (Chromium, phone viewport, cold cache).
  const ten = await envelopeWith(await makeTestPdf({ pages: 10 }), 'ten-pages');
  for (const profile of onlyBurst
    ? []
    : [
        {
          name: '4G (9 Mbit/s down, 1.5 up, 60 ms RTT)',
          down: 9e6,
          up: 1.5e6,
          latency: 60,
          goal: 'goal <= 1500 ms',
        },
        {
          name: 'slow 4G (1.6 Mbit/s down, 0.75 up, 150 ms RTT)',
          down: 1.6e6,
          up: 0.75e6,
          latency: 150,
          goal: 'a weak signal, for reference: the goal is set on 4G',
        },
      ]) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const browser = await openBrowser('phone');
      const page = await browser.newPage();
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: profile.latency,
        downloadThroughput: profile.down / 8,
        uploadThroughput: profile.up / 8,
      });
      const t0 = Date.now();
      await page.goto(`${web}/s/${ten.token}`);
      await page.locator('.page[data-page="1"][data-rendered="true"]').waitFor({ timeout: 60_000 });
      runs.push(Date.now() - t0);
      await browser.close();
    }
    console.log(
      `page 1 of a 10-page PDF visible, ${profile.name}: median ${pct(runs, 50)} ms (runs ${runs.join(', ')}; ${profile.goal})`,
    );
  }

  // 3. 100 concurrent signers: send-code, check-code, submit, at two paces (see Pace). The
  // signers' HTTP clients run in a child process, as real signers' browsers run elsewhere.
  const small = await makeTestPdf({ pages: 1 });
  const runSigners = async (label: string, pace: Pace) => {
    const signers: BenchSigner[] = [];
    for (let i = 0; i < 100; i++) {
      const envelope = await envelopeWith(small, `${pace.kind}-${i}`);
      signers.push({
        ...envelope,
        phone: `06${pace.kind === 'burst' ? 1 : 2}${String(1_000_000 + i).padStart(7, '0')}`,
      });
    }
    const statementsBefore = statements;
    const child = fork(fileURLToPath(new URL('./signing-signer.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
    });
    const report = await new Promise<Extract<FromSigner, { type: 'done' }>>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`signers process exited (${code})`)));
      child.on('message', async (message: FromSigner) => {
        if (message.type === 'done') return resolve(message);
        const reply: ToSigner = { type: 'code', id: message.id, code: await readCode(message.e164) };
        child.send(reply);
      });
      const run: ToSigner = { type: 'run', web, png, signers, pace };
      child.send(run);
    });
    for (const error of report.errors) console.error(error);
    const steps = Object.entries(report.times).map(
      ([name, values]) =>
        `${name} p50 ${pct(values, 50).toFixed(0)} ms, p95 ${pct(values, 95).toFixed(0)} ms`,
    );
    console.log(
      `100 concurrent signers, ${label}: ${steps.join('; ')}; ${report.errors.length} error(s), ${(report.wallMs / 1000).toFixed(1)} s in all (goal p95 <= 300 ms, no error); ${((statements - statementsBefore) / 100).toFixed(1)} statements per signer while it ran (their requests, SMS and mails sent, jobs polled)`,
    );
  };
  if (!onlyBurst)
    await runSigners("at a person's pace (links opened within 10 s, 2-6 s before each step)", {
      kind: 'human',
      openWithinMs: 10_000,
      thinkMs: [2000, 6000],
    });
  await runSigners('all at the same instant (worst case)', { kind: 'burst' });

  if (onlyBurst) {
    await service.stop();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  // Let the 100 seals finish before measuring the single one.
  const settled = Date.now();
  while (Date.now() - settled < 300_000) {
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM envelopes WHERE status = 'sealing'`,
    );
    if (rows[0]?.n === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  // 4. Last signature → sealed mail in the dev mailbox, 1 MB document.
  const oneMb = await makeTestPdf({ pages: 5, padToBytes: 1024 * 1024 });
  const sealRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const e = await envelopeWith(oneMb, `mb-${i}`);
    const before = new Date();
    const tSubmit = performance.now();
    await signOverHttp({
      web,
      png,
      readCode,
      signer: { ...e, phone: `078${String(1_000_000 + i).padStart(7, '0')}` },
    });
    for (;;) {
      const { rows } = await ctx.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM dev_mail WHERE created_at >= $1 AND subject LIKE 'Documents signés%' AND subject LIKE $2`,
        [before, `%mb-${i}%`],
      );
      if ((rows[0]?.n ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    sealRuns.push(performance.now() - tSubmit);
  }
  console.log(
    `1 MB document (${kb(oneMb.length)}): submit of the last signature → sealed mail in the dev mailbox: median ${pct(sealRuns, 50).toFixed(0)} ms (runs ${sealRuns.map((r) => r.toFixed(0)).join(', ')}; goal <= 2000 ms)`,
  );

  await service.stop();
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
