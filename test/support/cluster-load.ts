import assert from 'node:assert/strict';
import type { Queryable } from '../../src/db/index.js';
import { type SmtpRecipientResult, sendSmtp } from '../../src/mail/outbound/index.js';
import { signaturePng } from './signature-png.js';
import { waitFor } from './wait.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a message can be offered: a mail node's ports, while it is up. */
export interface MailTarget {
  lmtpPort: number;
  smtpPort: number;
}

/**
 * Offers a message as Postfix does: until every recipient got a 250, to whichever content filter
 * of the list is up, again after a connection lost or a 4xx. A 5xx fails the test (nothing here
 * is the sender's fault). Returns the number of offers made.
 */
export async function offerUntilAccepted(o: {
  raw: Buffer;
  from: string;
  to: string[];
  isLmtp: boolean;
  targets: () => MailTarget[];
  timeoutMs?: number;
}): Promise<number> {
  let pending = [...o.to];
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);
  let offers = 0;
  for (let attempt = 0; pending.length > 0; attempt++) {
    assert.ok(Date.now() < deadline, `a message was never accepted (${o.to.join(', ')})`);
    const targets = o.targets();
    const target = targets[attempt % Math.max(1, targets.length)];
    if (!target) {
      await sleep(200);
      continue;
    }
    offers++;
    const results = await sendSmtp({
      host: '127.0.0.1',
      port: o.isLmtp ? target.lmtpPort : target.smtpPort,
      isLmtp: o.isLmtp,
      from: o.from,
      to: pending,
      body: o.raw,
    }).catch(() => [] as SmtpRecipientResult[]);
    const refused = results.find((r) => r.code >= 500);
    assert.equal(refused, undefined, `a recipient was refused for good: ${JSON.stringify(refused)}`);
    const done = new Set(results.filter((r) => r.code === 250).map((r) => r.address));
    // Over SMTP one reply covers every recipient: a temporary failure means all of them again.
    pending = o.isLmtp ? pending.filter((r) => !done.has(r)) : done.size === pending.length ? [] : pending;
    if (pending.length > 0) await sleep(250);
  }
  return offers;
}

/**
 * A signer over HTTP, as the page's script does it: open the link, ask for a code by SMS (read from
 * the dev outbox), type it, sign (page 1 of the first document). Anything failing (a node killed
 * under the request) starts again on another web node, as a person reloading would, until the
 * database holds the signature. Returns how many times it had to start again.
 */
export async function signUntilSigned(o: {
  db: Queryable;
  token: string;
  address: string;
  /** A French mobile as typed: 06… */
  phone: string;
  /** A web node that is up, chosen by the caller (null while none is). */
  web: () => string | null;
  timeoutMs?: number;
}): Promise<number> {
  const e164 = `+33${o.phone.slice(1)}`;
  const signed = async () =>
    (
      await o.db.query(
        'SELECT 1 FROM signatures s JOIN signers r ON r.id = s.signer_id WHERE r.address = $1',
        [o.address],
      )
    ).rows.length > 0;
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);
  let retries = 0;
  let lastError = '';
  while (!(await signed())) {
    assert.ok(Date.now() < deadline, `${o.address} could not sign: ${lastError}`);
    try {
      await signOnce({ ...o, e164 });
    } catch (error) {
      lastError = `${error} ${(error as Error).cause ?? ''}`;
      retries++;
      await sleep(300);
    }
  }
  return retries;
}

async function signOnce(o: {
  db: Queryable;
  token: string;
  address: string;
  phone: string;
  e164: string;
  web: () => string | null;
}): Promise<void> {
  const web = o.web();
  if (!web) throw new Error('no web node up');
  const base = `${web}/s/${o.token}`;
  const page = await fetch(base);
  // The page may set its language cookie beside the CSRF one: send them all back.
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /data-csrf="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`no signing form (${page.status})`);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { error?: { code: string } };
    return { status: res.status, json, text: `${res.status} ${JSON.stringify(json)}` };
  };
  const since = Date.now();
  const sent = await post('/code', { phone: o.phone });
  // A code sent before the request was cut short is still good: read the newest one.
  const isNew = sent.status === 200;
  if (!isNew && sent.json.error?.code !== 'SMS_RESEND_TOO_SOON') throw new Error(`code: ${sent.text}`);
  const code = await waitFor(
    async () => {
      const { rows } = await o.db.query<{ body: string; created_at: Date }>(
        'SELECT body, created_at FROM dev_sms WHERE to_number = $1 ORDER BY created_at DESC LIMIT 1',
        [o.e164],
      );
      const row = rows[0];
      if (!row || (isNew && row.created_at.getTime() < since - 1000)) return null;
      return /\d{6}/.exec(row.body)?.[0];
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `the SMS to ${o.e164}` },
  );
  const checked = await post('/code/check', { code });
  if (checked.status !== 200) throw new Error(`check: ${checked.text}`);
  const { rows } = await o.db.query<{ id: string }>(
    'SELECT d.id FROM documents d JOIN signers s ON s.envelope_id = d.envelope_id WHERE s.address = $1',
    [o.address],
  );
  const submitted = await post('/sign', {
    imagePng: Buffer.from(signaturePng()).toString('base64'),
    method: 'drawn',
    placements: [{ documentId: rows[0]?.id ?? '', page: 1, x: 300, y: 600, width: 150, height: 50 }],
    consent: true,
  });
  if (submitted.status !== 200) throw new Error(`sign: ${submitted.text}`);
}
