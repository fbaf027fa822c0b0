import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalPkiServices, localTsaUrl, testPkiDir } from '../../test/support/pdf-validate.js';
import { der } from '../pdf/pades/index.js';
import { isAppError } from '../shared/errors.js';
import { createTsaClient } from './tsa-client.js';

const work = mkdtempSync(path.join(tmpdir(), 'paraphe-tsa-'));
const servers: Server[] = [];

/** A loopback server that answers every request with `respond`. */
async function loopback(respond: (res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => respond(res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A URL on which nothing listens (a port we bound and released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}

before(async () => ensureLocalPkiServices());
after(() => {
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
});

const imprint = () =>
  new Uint8Array(createHash('sha256').update(`signature value ${Math.random()}`).digest());

describe('createTsaClient', () => {
  it('returns a token that openssl ts -verify accepts for the imprint', async () => {
    const digest = imprint();
    const token = await createTsaClient({ urls: [localTsaUrl], retryDelayMs: 0 }).timestamp(digest);
    const file = path.join(work, 'token.der');
    writeFileSync(file, token);
    const r = spawnSync(
      'openssl',
      [
        'ts',
        '-verify',
        '-token_in',
        '-in',
        file,
        '-digest',
        Buffer.from(digest).toString('hex'),
        '-CAfile',
        path.join(testPkiDir, 'root.pem'),
        '-untrusted',
        path.join(testPkiDir, 'tsa-chain.pem'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Verification: OK/);
  });

  it('fails over to the second authority when the first is down or answers errors', async () => {
    const failures: string[] = [];
    const erroring = await loopback((res) => res.writeHead(500).end('boom'));
    const client = createTsaClient({
      urls: [await deadUrl(), erroring, localTsaUrl],
      rounds: 1,
      retryDelayMs: 0,
      onFailure: (f) => failures.push(f.url),
    });
    const token = await client.timestamp(imprint());
    assert.ok(token.length > 500);
    assert.equal(failures.length, 2);
  });

  it('throws TSA_UNAVAILABLE after every round when every authority fails, never a made-up time', async () => {
    const rejection = der.seq(der.seq(der.int(2)));
    const urls = [
      await deadUrl(),
      await loopback((res) => res.writeHead(503).end()),
      await loopback((res) =>
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(Buffer.from(rejection)),
      ),
      await loopback((res) =>
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end('not DER'),
      ),
    ];
    let attempts = 0;
    const client = createTsaClient({ urls, rounds: 2, retryDelayMs: 0, onFailure: () => attempts++ });
    await assert.rejects(
      client.timestamp(imprint()),
      (error) =>
        isAppError(error, 'TSA_UNAVAILABLE') &&
        error.kind === 'unavailable' &&
        /rejection/.test(error.message),
    );
    assert.equal(attempts, 8);
  });

  it('refuses a token whose nonce or imprint is not ours (a replayed answer)', async () => {
    const realToken = await fetch(localTsaUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body: Buffer.from(
        der.seq(
          der.int(1),
          der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1')), der.octets(imprint())),
          der.int(42),
          der.bool(true),
        ),
      ),
    }).then(async (r) => Buffer.from(await r.arrayBuffer()));
    const replay = await loopback((res) =>
      res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(realToken),
    );
    const failures: string[] = [];
    const client = createTsaClient({
      urls: [replay],
      rounds: 1,
      retryDelayMs: 0,
      onFailure: (f) => failures.push(f.reason),
    });
    await assert.rejects(client.timestamp(imprint()), (error) => isAppError(error, 'TSA_UNAVAILABLE'));
    assert.match(failures[0] ?? '', /imprint|nonce/);
  });
});
