import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dkimSign, dkimVerify } from 'mailauth';
import { openFsBlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import { type MailRole, startMailRole } from '../../src/mail/inbound/index.js';
import { sendSmtp } from '../../src/mail/outbound/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import { freshDb } from '../support/db.js';
import { silentLogger } from '../support/logger.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';

const corpusDir =
  process.env.PARAPHE_MAIL_CORPUS ??
  path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/corpus/email');

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function corpusFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const full = path.join(dir, name);
    if ((await stat(full)).isDirectory()) out.push(...(await corpusFiles(full)));
    // Every file is a message except the manifest (and a README, if any).
    else if (!/^(MANIFEST\.tsv|README(\.md)?)$/i.test(name)) out.push(full);
  }
  return out;
}

/** What the listener receives for a file: DATA always ends with CRLF, the client adds one if missing. */
function onTheWire(bytes: Buffer): Buffer {
  const endsWithCrlf =
    bytes.length >= 2 && bytes[bytes.length - 2] === 0x0d && bytes[bytes.length - 1] === 0x0a;
  return endsWithCrlf ? bytes : Buffer.concat([bytes, Buffer.from('\r\n')]);
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('pass-through of the mail corpus', { skip: !existsSync(corpusDir) }, () => {
  let db: Db;
  let sink: SmtpSink;
  let role: MailRole;
  let blobDir: string;
  let files: string[];

  before(async () => {
    files = await corpusFiles(corpusDir);
    db = await freshDb();
    blobDir = await mkdtemp(path.join(tmpdir(), 'paraphe-corpus-'));
    sink = await startSmtpSink();
    role = await startMailRole({
      mail: {
        host: '127.0.0.1',
        lmtpPort: 0,
        smtpPort: 0,
        relayUrl: sink.url,
        allowedClients: ['127.0.0.1'],
        maxBytes: 35 * 1024 * 1024,
        signMarker: '*SIGN',
      },
      db,
      blobs: await openFsBlobStore({ root: blobDir, ids: randomIds }),
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
      handleSignRequest: async () => {
        throw new Error('no customer in this test: nothing is a signature request');
      },
    });
  });
  after(async () => {
    await role?.stop();
    await sink?.close();
    await db?.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  const send = (raw: Buffer, rcpt: string) =>
    sendSmtp({
      host: '127.0.0.1',
      port: role.lmtpPort,
      isLmtp: true,
      from: 'someone@customer.test',
      to: [rcpt],
      body: raw,
      is8BitMime: true,
    });

  it('passes every corpus message through with the same SHA-256 out as in', async (t) => {
    assert.ok(files.length >= 260, `expected the corpus in ${corpusDir}`);
    const mismatches: string[] = [];
    await inBatches(files, 8, async (file) => {
      const bytes = await readFile(file);
      const rcpt = `${sha(bytes).slice(0, 16)}@example.test`;
      const [reply] = await send(bytes, rcpt);
      const got = sink.messages.find((m) => m.to[0] === rcpt);
      if (reply?.code !== 250 || got?.sha256 !== sha(onTheWire(bytes)))
        mismatches.push(`${path.relative(corpusDir, file)}: ${reply?.code} ${got ? 'altered' : 'missing'}`);
    });
    t.diagnostic(`${files.length} messages, ${files.length - mismatches.length} identical`);
    assert.deepEqual(mismatches, []);
  });

  it('keeps a DKIM signature made before the filter valid after it (simple/simple and relaxed/relaxed)', async (t) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const resolver = async (name: string, rr: string) => {
      if (name === 'paraphe._domainkey.customer.test' && rr === 'TXT')
        return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
      throw Object.assign(new Error(`no ${rr} for ${name}`), { code: 'ENOTFOUND' });
    };
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const failures: string[] = [];
    let passes = 0;
    const ourResult = async (raw: Buffer) =>
      (await dkimVerify(raw, { resolver })).results.find((r) => r.signingDomain === 'customer.test')?.status
        .result ?? 'none';
    await inBatches(files, 8, async (file) => {
      const original = onTheWire(await readFile(file));
      for (const canonicalization of ['simple/simple', 'relaxed/relaxed']) {
        // The runtime takes signatureData[] (README); the bundled typings only describe the
        // single-key shape, hence the cast.
        const options = {
          canonicalization,
          signatureData: [{ signingDomain: 'customer.test', selector: 'paraphe', privateKey: privatePem }],
        } as unknown as Parameters<typeof dkimSign>[1];
        const signed = await dkimSign(original, options);
        if (signed.errors.length > 0) continue; // a message DKIM cannot sign (no From) says nothing about us
        const raw = Buffer.concat([Buffer.from(signed.signatures), original]);
        const rcpt = `dkim-${canonicalization.replace('/', '-')}-${sha(raw).slice(0, 12)}@example.test`;
        await send(raw, rcpt);
        const got = sink.messages.find((m) => m.to[0] === rcpt);
        if (!got) {
          failures.push(`${path.relative(corpusDir, file)} ${canonicalization}: not delivered`);
          continue;
        }
        // A few fixtures are too broken for the verifier to find the signature even before the
        // filter; for those the check is "same verdict after as before".
        const [before, afterFilter] = [await ourResult(raw), await ourResult(got.raw)];
        if (afterFilter === 'pass') passes++;
        if (afterFilter !== before)
          failures.push(
            `${path.relative(corpusDir, file)} ${canonicalization}: ${before} before, ${afterFilter} after`,
          );
      }
    });
    assert.deepEqual(failures, []);
    t.diagnostic(`${passes} DKIM signatures verified after the filter (${files.length} messages × 2)`);
    assert.ok(passes > files.length, `only ${passes} signatures verified after the filter`);
  });
});
