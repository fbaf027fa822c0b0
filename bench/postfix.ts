/**
 * Postfix → Paraphe → Postfix throughput (issue 11): 200 small pass-through messages submitted
 * (STARTTLS, SASL login) to a private Postfix (test/support/postfix.ts, the guide's master.cf/main.cf), timed
 * until all are in the Maildir, for three setups of the same instance side by side in one run:
 *   none     no content_filter: submission queues straight for delivery;
 *   noop     the content_filter to a tiny LMTP server (below) that re-injects each message
 *            unchanged over SMTP: the cost of an after-queue filter's second queue pass alone;
 *   paraphe  the content_filter to Paraphe's mail role (startMailRole, embedded PGlite).
 * Rounds alternate the order; medians are printed with the ratios paraphe/none (goal ≥ 0.85) and
 * paraphe/noop. Needs root and Postfix (scripts/ensure-tools.sh).
 * Run: npx tsx bench/postfix.ts   (BENCH_MESSAGES, BENCH_CONCURRENCY, BENCH_ROUNDS to change;
 * BENCH_MODES=paraphe runs one setup alone (to profile it, no ratios); BENCH_LOG_DIR=dir keeps
 * each instance's Postfix log there, to read its delays= fields)
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFsBlobStore } from '../src/blobs/index.js';
import { type Db, migrate, openPglite } from '../src/db/index.js';
import { startMailRole } from '../src/mail/inbound/index.js';
import { systemClock } from '../src/shared/clock.js';
import { randomIds } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { freePort } from '../test/support/ports.js';
import { canRunPostfix, type PostfixInstance, startPostfix } from '../test/support/postfix.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Sent and delivered before the clock starts: Postfix spawns its daemons on first use. */
const WARM_UP = 20;
const TIMEOUT_MS = 180_000;
/** USER_HZ of /proc/<pid>/stat (getconf CLK_TCK): 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

type Mode = 'none' | 'noop' | 'paraphe';
const ALL_MODES: Mode[] = ['none', 'noop', 'paraphe'];
/** BENCH_MODES=paraphe (say) runs one setup alone, to profile it (node --cpu-prof). */
const MODES = ALL_MODES.filter((m) =>
  (process.env.BENCH_MODES ?? ALL_MODES.join(',')).split(',').includes(m),
);

interface Listener {
  close(): Promise<void>;
}

/** Collects SMTP replies (multi-line ones joined) from a socket, in order. */
function replyQueue(socket: net.Socket): () => Promise<{ code: number; text: string }> {
  let buffer = '';
  let lines: string[] = [];
  const ready: Array<{ code: number; text: string }> = [];
  const waiting: Array<(reply: { code: number; text: string }) => void> = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let at = buffer.indexOf('\r\n'); at !== -1; at = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      lines.push(line);
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
      lines = [];
      const waiter = waiting.shift();
      if (waiter) waiter(reply);
      else ready.push(reply);
    }
  });
  return () => {
    const reply = ready.shift();
    return reply ? Promise.resolve(reply) : new Promise((resolve) => waiting.push(resolve));
  };
}

/** One SMTP connection to the re-injection smtpd; `data` is still dot-stuffed and terminated. */
async function openUpstream(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  socket.on('error', () => {});
  const next = replyQueue(socket);
  await next();
  socket.write('EHLO noop-filter\r\n');
  await next();
  return {
    async send(from: string, to: string[], data: string) {
      socket.write(`MAIL FROM:<${from}>\r\n${to.map((r) => `RCPT TO:<${r}>\r\n`).join('')}DATA\r\n`);
      const mail = await next();
      const rcpts = await Promise.all(to.map(() => next()));
      const go = await next();
      if (go.code !== 354) return to.map((_, i) => (mail.code >= 400 ? mail : (rcpts[i] ?? go)));
      socket.write(data, 'latin1');
      const done = await next();
      return rcpts.map((r) => (r.code >= 400 ? r : done));
    },
    close: () => socket.end('QUIT\r\n'),
  };
}

/**
 * The no-op after-queue filter: LMTP in, each message re-injected byte for byte over one SMTP
 * connection per LMTP connection, the answer given per recipient. Nothing parsed, nothing stored.
 */
async function startNoopFilter(port: number, reinjectPort: number): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let upstream: Awaited<ReturnType<typeof openUpstream>> | null = null;
    socket.on('close', () => {
      sockets.delete(socket);
      upstream?.close();
    });
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    let isBusy = false;
    const pump = async () => {
      if (isBusy) return;
      isBusy = true;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) break;
          // The data block was prefixed with CRLF so a lone "." first line is found too.
          const data = buffer.slice(2, end + 5);
          buffer = buffer.slice(end + 5);
          inData = false;
          try {
            upstream ??= await openUpstream(reinjectPort);
            const replies = await upstream.send(from, to, data);
            socket.write(
              replies
                .map((r) => `${r.code < 300 ? '250 2.0.0 Ok: passed on' : `${r.code} ${r.text}`}\r\n`)
                .join(''),
            );
          } catch {
            socket.write(to.map(() => '451 4.3.0 next hop unavailable\r\n').join(''));
          }
          to = [];
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) break;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'LHLO') socket.write('250-noop-filter\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          socket.write('250 2.1.0 Ok\r\n');
        } else if (verb === 'RCPT') {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          socket.write('250 2.1.5 Ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          buffer = `\r\n${buffer}`;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n');
        else if (verb === 'RSET') {
          to = [];
          socket.write('250 2.0.0 Ok\r\n');
        } else socket.write('250 2.0.0 Ok\r\n');
      }
      isBusy = false;
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      void pump();
    });
    socket.write('220 noop-filter LMTP\r\n');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function startParaphe(db: Db, postfix: PostfixInstance): Promise<Listener> {
  const blobDir = await mkdtemp(path.join(tmpdir(), 'paraphe-bench-pf-'));
  const role = await startMailRole({
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
    blobs: await openFsBlobStore({ root: blobDir, ids: randomIds }),
    clock: systemClock,
    ids: randomIds,
    logger: createLogger({ level: 'warn' }),
    handleSignRequest: async () => {
      throw new Error('the Postfix bench sends no *SIGN message');
    },
  });
  return {
    async close() {
      await role.stop();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

function message(tag: string): Buffer {
  return Buffer.from(
    [
      'From: Alice <alice@customer.test>',
      'To: Bob <bob@example.test>',
      `Subject: Rapport ${tag}`,
      `Message-ID: <${tag}@customer.test>`,
      'Date: Thu, 03 Dec 2026 10:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Bonjour Bob,',
      'voici le rapport de la semaine, rien à signer.',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

/**
 * Submits `count` messages from `CONCURRENCY` clients at once, each as a mail client does (the
 * harness's submit: STARTTLS and a SASL login, one connection per message): the same cost in
 * every setup.
 */
async function submit(postfix: PostfixInstance, count: number, tag: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const { rejected } = await postfix.submit(message(`${tag}-${i}`), {
          from: 'alice@customer.test',
          to: ['bob@example.test'],
        });
        if (rejected.length > 0) throw new Error(`submission refused: ${rejected.join(', ')}`);
      }
    }),
  );
}

/**
 * CPU seconds used so far by a Postfix instance: its master (with the daemons it reaped) and the
 * daemons still running. On a shared machine this is steadier than wall time.
 */
async function postfixCpuSeconds(postfix: PostfixInstance): Promise<number> {
  const masterPid = Number(
    (await readFile(path.join(postfix.dir, 'queue', 'pid', 'master.pid'), 'utf8')).trim(),
  );
  let ticks = 0;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after "pid (comm)": state ppid … utime(14) stime cutime cstime, numbered from 1.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [pid, ppid] = [Number(name), Number(fields[1])];
    if (pid !== masterPid && ppid !== masterPid) continue;
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    ticks += (utime ?? 0) + (stime ?? 0) + (pid === masterPid ? (cutime ?? 0) + (cstime ?? 0) : 0);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

async function delivered(postfix: PostfixInstance): Promise<number> {
  return (await readdir(path.join(postfix.dir, 'mail', 'all', 'new')).catch(() => [])).length;
}

async function waitDelivered(postfix: PostfixInstance, count: number): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while ((await delivered(postfix)) < count) {
    if (performance.now() > deadline)
      throw new Error(
        `${await delivered(postfix)} of ${count} delivered\n${(await postfix.log()).slice(-3000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One measurement: a fresh instance, warmed up, then MESSAGES timed until all are delivered. */
interface Figures {
  perSecond: number;
  /** This process (client, and the filter under test) per message. */
  benchCpuMs: number;
  /** The Postfix instance per message. */
  postfixCpuMs: number;
}

async function measure(mode: Mode, db: Db): Promise<Figures> {
  const postfix = await startPostfix({
    filterPort: await freePort(),
    senders: ['alice@customer.test'],
    hasContentFilter: mode !== 'none',
  });
  let listener: Listener | null = null;
  try {
    if (mode === 'noop') listener = await startNoopFilter(postfix.filterPort, postfix.reinjectPort);
    if (mode === 'paraphe') listener = await startParaphe(db, postfix);
    await submit(postfix, WARM_UP, `${mode}-warm`);
    await waitDelivered(postfix, WARM_UP);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const postfixCpuStart = await postfixCpuSeconds(postfix);
    await submit(postfix, MESSAGES, mode);
    await waitDelivered(postfix, WARM_UP + MESSAGES);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const postfixCpu = (await postfixCpuSeconds(postfix)) - postfixCpuStart;
    // The filter really was in the path (or really was not).
    const filtered = (await postfix.log()).match(/signfilter\/lmtp.*status=sent/g)?.length ?? 0;
    if (filtered !== (mode === 'none' ? 0 : WARM_UP + MESSAGES))
      throw new Error(`${mode}: ${filtered} deliveries through the filter`);
    return {
      perSecond: MESSAGES / seconds,
      benchCpuMs: (cpu.user + cpu.system) / 1000 / MESSAGES,
      postfixCpuMs: (postfixCpu * 1000) / MESSAGES,
    };
  } finally {
    if (process.env.BENCH_LOG_DIR)
      await writeFile(path.join(process.env.BENCH_LOG_DIR, `postfix-${mode}.log`), await postfix.log());
    await listener?.close();
    await postfix.stop();
  }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};

if (!canRunPostfix()) {
  console.error('bench/postfix.ts needs root and Postfix (bash scripts/ensure-tools.sh)');
  process.exit(1);
}
// Opened once for every mode: the PGlite heap in this process weighs on all three alike.
const db = await openPglite(undefined);
await migrate(db);
const rounds: Array<Record<Mode, Figures>> = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? MODES : [...MODES].reverse();
  const figures: Partial<Record<Mode, Figures>> = {};
  for (const mode of order) figures[mode] = await measure(mode, db);
  const all = figures as Record<Mode, Figures>;
  rounds.push(all);
  console.log(
    `round ${round + 1} (${order.join(' → ')}): ${MODES.map((m) => `${m} ${all[m].perSecond.toFixed(1)} msg/s (CPU/msg: bench ${all[m].benchCpuMs.toFixed(2)} ms, postfix ${all[m].postfixCpuMs.toFixed(2)} ms)`).join(', ')}`,
  );
}
const rates = (mode: Mode) => rounds.map((r) => r[mode].perSecond);
await db.close();
if (MODES.length < ALL_MODES.length) process.exit(0);
const f = (n: number) => n.toFixed(2);
const ratios = (a: Mode, b: Mode) => rounds.map((r) => r[a].perSecond / r[b].perSecond);
const cpuTotal = (mode: Mode) => median(rounds.map((r) => r[mode].benchCpuMs + r[mode].postfixCpuMs));
const cpu = (mode: Mode) =>
  `${f(median(rounds.map((r) => r[mode].benchCpuMs)))} + ${f(median(rounds.map((r) => r[mode].postfixCpuMs)))} ms`;
console.log(
  `Postfix → filter → Postfix, ${MESSAGES} small pass-through messages from ${CONCURRENCY} concurrent TLS clients, ${ROUNDS} rounds, medians:`,
);
console.log(
  `  no filter ${f(median(rates('none')))} msg/s, no-op after-queue filter ${f(median(rates('noop')))} msg/s, Paraphe ${f(median(rates('paraphe')))} msg/s`,
);
console.log(
  `  Paraphe/no-filter ${f(median(ratios('paraphe', 'none')))} (goal ≥ 0.85; rounds ${ratios('paraphe', 'none').map(f).join(' ')})`,
);
console.log(
  `  CPU per message (this process + Postfix): no filter ${cpu('none')}, no-op ${cpu('noop')}, Paraphe ${cpu('paraphe')}`,
);
console.log(
  `  CPU-bound ratios (total CPU per message, steadier than wall time on a shared machine): Paraphe/no-filter ${f(cpuTotal('none') / cpuTotal('paraphe'))}, Paraphe/no-op-filter ${f(cpuTotal('noop') / cpuTotal('paraphe'))}, no-op/no-filter ${f(cpuTotal('none') / cpuTotal('noop'))}`,
);
console.log(
  `  Paraphe/no-op-filter ${f(median(ratios('paraphe', 'noop')))} (rounds ${ratios('paraphe', 'noop').map(f).join(' ')}); no-op/no-filter ${f(median(ratios('noop', 'none')))} (the second queue pass)`,
);
