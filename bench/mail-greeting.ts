/**
 * Cold LMTP connections: time from connect to the 220 greeting, and to the 250 of one small message
 * on a fresh connection (what a Postfix delivery agent pays when it opens a connection), for
 * Paraphe's listener and for smtp-server with its defaults (the library waits 100 ms before every
 * greeting), side by side in one run. Run: npx tsx bench/mail-greeting.ts [connections]
 */
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startMailListener } from '../src/mail/inbound/index.js';
import { systemClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';

const CONNECTIONS = Number(process.argv[2] ?? 200);
const MESSAGE = 'From: a@x.test\r\nTo: b@y.test\r\nSubject: bench\r\n\r\nhello\r\n';

/** One LMTP delivery on a new connection; resolves with [ms to greeting, ms to the final 250]. */
function deliverOnce(port: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let greetingMs = 0;
    let buffer = '';
    let step = 0;
    const script = [
      'LHLO bench\r\n',
      'MAIL FROM:<a@x.test>\r\n',
      'RCPT TO:<b@y.test>\r\n',
      'DATA\r\n',
      `${MESSAGE}.\r\n`,
    ];
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let at = buffer.indexOf('\r\n'); at !== -1; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (/^\d{3}-/.test(line)) continue;
        if (step === 0) greetingMs = performance.now() - started;
        if (step === script.length) {
          socket.end('QUIT\r\n');
          resolve([greetingMs, performance.now() - started]);
          return;
        }
        socket.write(script[step] ?? '');
        step++;
      }
    });
  });
}

async function measure(port: number): Promise<{ greeting: number; delivery: number }> {
  const greetings: number[] = [];
  const deliveries: number[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const [g, d] = await deliverOnce(port);
    greetings.push(g);
    deliveries.push(d);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { greeting: median(greetings), delivery: median(deliveries) };
}

async function main(): Promise<void> {
  const paraphe = await startMailListener({
    isLmtp: true,
    host: '127.0.0.1',
    port: 0,
    allowedClients: ['127.0.0.1'],
    maxBytes: 1024 * 1024,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    async filter(message) {
      for await (const _ of message.stream);
      return { kind: 'pass', replies: message.recipients.map(() => ({ code: 250, message: '2.0.0 Ok' })) };
    },
  });
  const library = new SMTPServer({
    lmtp: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => library.listen(0, '127.0.0.1', resolve));
  const libraryPort = (library.server.address() as AddressInfo).port;

  const ours = await measure(paraphe.port);
  const theirs = await measure(libraryPort);
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  console.log(`${CONNECTIONS} cold LMTP connections, one small message each (medians)`);
  console.log(`  Paraphe listener      greeting ${ms(ours.greeting)}  delivery ${ms(ours.delivery)}`);
  console.log(`  smtp-server defaults  greeting ${ms(theirs.greeting)}  delivery ${ms(theirs.delivery)}`);
  console.log(
    `  delivery time ratio (Paraphe / smtp-server defaults): ${(ours.delivery / theirs.delivery).toFixed(3)}`,
  );
  await paraphe.close();
  await new Promise<void>((resolve) => library.close(() => resolve()));
}

await main();
