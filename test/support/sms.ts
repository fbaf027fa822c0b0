import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queryable } from '../../src/db/index.js';
import type { OutgoingSms, SmsSender, SmsSettings } from '../../src/sms/index.js';

/** One request as the loopback gateway received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LoopbackGateway {
  url: string;
  /** Every request except those answered by `answerPath`. */
  requests: RecordedRequest[];
  /** What the next requests get, in order; the last one repeats. */
  answer(...responses: { status: number; body: unknown }[]): void;
  /** A fixed answer for requests whose path ends with `path` (OVH's /auth/time). */
  answerPath(path: string, response: { status: number; body: unknown }): void;
  close(): Promise<void>;
}

/**
 * A fake SMS provider on 127.0.0.1 that records each request and replies with scripted answers
 * in the provider's documented wire format (written by the test).
 */
export async function startLoopbackGateway(): Promise<LoopbackGateway> {
  const requests: RecordedRequest[] = [];
  let queue: { status: number; body: unknown }[] = [{ status: 500, body: { message: 'unscripted' } }];
  const byPath = new Map<string, { status: number; body: unknown }>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const fixed = [...byPath.entries()].find(([suffix]) => path.endsWith(suffix))?.[1];
      let reply = fixed;
      if (!reply) {
        requests.push({
          method: req.method ?? '',
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        reply = queue.length > 1 ? queue.shift() : queue[0];
      }
      const body = reply?.body ?? '';
      res.writeHead(reply?.status ?? 500, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(...responses) {
      queue = responses;
    },
    answerPath(path, response) {
      byPath.set(path, response);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Settings as the defaults give them, with overrides; tests never read the environment. */
export function testSmsSettings(overrides: Partial<SmsSettings> = {}): SmsSettings {
  return {
    provider: 'dev',
    senderId: 'Paraphe',
    operatorName: 'Paraphe',
    otpSecret: 'test-otp-secret-0123456789abcdef0123456789',
    sendMaxAttempts: 4,
    sendLeaseSeconds: 60,
    retryDelaySeconds: 10,
    httpTimeoutMs: 5000,
    limits: {
      ttlSeconds: 600,
      maxAttempts: 5,
      resendSeconds: 30,
      maxPerSignerPerHour: 5,
      maxPerEnvelopePerDay: 30,
      maxPerAccountPerHour: 200,
      maxPerAccountPerDay: 1000,
      maxGlobalPerHour: 2000,
      maxGlobalPerDay: 10000,
    },
    twilio: {
      accountSid: undefined,
      authToken: undefined,
      messagingServiceSid: undefined,
      baseUrl: 'http://127.0.0.1:9',
      statusCallbackUrl: null,
    },
    ovh: {
      endpoint: 'http://127.0.0.1:9',
      applicationKey: undefined,
      applicationSecret: undefined,
      consumerKey: undefined,
      serviceName: undefined,
    },
    ...overrides,
  };
}

/** The code in the newest SMS of the dev outbox sent to `toNumber`. */
export async function latestDevCode(db: Queryable, toNumber: string): Promise<string> {
  const { rows } = await db.query<{ body: string }>(
    'SELECT body FROM dev_sms WHERE to_number = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [toNumber],
  );
  const code = rows[0]?.body.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code SMS for ${toNumber} in the dev outbox`);
  return code;
}

/** A sender whose answers the test scripts: each call takes the next outcome (the last repeats). */
export function scriptedSender(options: {
  name?: string;
  outcomes: (Error | string)[];
}): SmsSender & { sent: OutgoingSms[]; calls: number; script(...next: (Error | string)[]): void } {
  let queue = options.outcomes;
  const sender = {
    name: options.name ?? 'scripted',
    sent: [] as OutgoingSms[],
    calls: 0,
    script(...next: (Error | string)[]) {
      queue = next;
    },
    async send(sms: OutgoingSms) {
      sender.calls += 1;
      const outcome = queue.length > 1 ? queue.shift() : queue[0];
      if (outcome instanceof Error) throw outcome;
      sender.sent.push(sms);
      return { providerMessageId: outcome ?? `scripted-${sender.calls}` };
    },
  };
  return sender;
}
