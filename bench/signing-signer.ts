// A signer as the signing bench drives one: open the link, ask for a code, type it, sign. Forked by
// bench/signing.ts for the 100 concurrent signers, so their HTTP clients run in their own process
// (as real signers' browsers do) instead of taking turns with the service on its event loop.

export interface BenchSigner {
  token: string;
  documentId: string;
  /** A French mobile as typed: 06… */
  phone: string;
}

export type StepTimes = Record<'send-code' | 'check-code' | 'submit', number[]>;

/**
 * How the signers move. `burst`: every signer opens the link at the same instant and goes on at
 * once (300 requests on the service together: the worst case). `human`: they open their links
 * within `openWithinMs` and pause `thinkMs` (min, max) before each step, as people typing a number,
 * reading an SMS and drawing do.
 */
export type Pace = { kind: 'burst' } | { kind: 'human'; openWithinMs: number; thinkMs: [number, number] };

/** Parent → child: sign all of these. Child → parent: asks for codes, then reports. */
export type ToSigner =
  | { type: 'run'; web: string; png: string; signers: BenchSigner[]; pace: Pace }
  | { type: 'code'; id: number; code: string };
export type FromSigner =
  | { type: 'code?'; id: number; e164: string }
  | { type: 'done'; times: StepTimes; errors: string[]; wallMs: number };

export async function signOverHttp(o: {
  web: string;
  png: string;
  signer: BenchSigner;
  /** The code the signer reads on their phone. */
  readCode: (e164: string) => Promise<string>;
  times?: StepTimes;
  /** Called before each step (a person's pause); none by default. */
  think?: () => Promise<void>;
}): Promise<void> {
  const think = o.think ?? (async () => {});
  const base = `${o.web}/s/${o.signer.token}`;
  const page = await fetch(base);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /data-csrf="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const post = async (step: keyof StepTimes, path: string, body: unknown) => {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': csrf,
        cookie,
        accept: 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    o.times?.[step].push(performance.now() - t0);
    if (!res.ok) throw new Error(`${step}: ${res.status} ${JSON.stringify(json)}`);
  };
  await think();
  await post('send-code', '/code', { phone: o.signer.phone });
  const code = await o.readCode(`+33${o.signer.phone.slice(1)}`);
  await think();
  await post('check-code', '/code/check', { code });
  await think();
  await post('submit', '/sign', {
    imagePng: o.png,
    method: 'drawn',
    placements: [{ documentId: o.signer.documentId, page: 1, x: 300, y: 700, width: 150, height: 50 }],
    consent: true,
  });
}

/** Deterministic pauses, so two runs put the same load on the service. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Forked: wait for the parent's list, run every signer at the pace asked, report the times.
if (process.send) {
  const send = (message: FromSigner) => process.send?.(message);
  const waiting = new Map<number, (code: string) => void>();
  let nextId = 0;
  const readCode = (e164: string) =>
    new Promise<string>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      send({ type: 'code?', id, e164 });
    });
  process.on('message', async (message: ToSigner) => {
    if (message.type === 'code') {
      waiting.get(message.id)?.(message.code);
      waiting.delete(message.id);
      return;
    }
    const times: StepTimes = { 'send-code': [], 'check-code': [], submit: [] };
    const errors: string[] = [];
    const random = seededRandom(42);
    const { pace } = message;
    const think =
      pace.kind === 'human'
        ? () => sleep(pace.thinkMs[0] + random() * (pace.thinkMs[1] - pace.thinkMs[0]))
        : undefined;
    const t0 = performance.now();
    await Promise.all(
      message.signers.map(async (signer) => {
        if (pace.kind === 'human') await sleep(random() * pace.openWithinMs);
        await signOverHttp({
          web: message.web,
          png: message.png,
          signer,
          readCode,
          times,
          ...(think ? { think } : {}),
        }).catch((error: unknown) => {
          errors.push(String(error).slice(0, 300));
        });
      }),
    );
    send({ type: 'done', times, errors, wallMs: performance.now() - t0 });
    process.disconnect();
  });
}
