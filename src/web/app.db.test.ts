import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../test/support/db.js';
import { webDeps } from '../../test/support/web.js';
import type { Db } from '../db/index.js';
import { storeDevMail } from '../mail/outbound/index.js';
import { devSmsSender } from '../sms/index.js';
import { buildWebApp } from './app.js';

const sampleMail = [
  'From: Alice <alice@example.fr>',
  'To: bob@example.fr',
  'Subject: =?UTF-8?Q?Contrat_=C3=A0_signer?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Bonjour Bob, voici le contrat.',
  '--b1',
  'Content-Type: application/pdf; name="contrat.pdf"',
  'Content-Disposition: attachment; filename="contrat.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4 fake').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

describe(`web app (${testEngine})`, () => {
  let db: Db;
  before(async () => {
    db = await freshDb();
  });
  after(async () => {
    await db.close();
  });

  it('answers health and readiness, and sends the security headers', async () => {
    const app = buildWebApp(await webDeps(db, { isHttps: true }));
    const health = await app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', checks: { database: 'ok', blobs: 'ok' } });
    const csp = String(ready.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(ready.headers['referrer-policy'], 'no-referrer');
    assert.match(String(ready.headers['strict-transport-security']), /max-age=/);
    assert.ok(ready.headers['x-request-id']);
    await app.close();
  });

  it('keeps a valid incoming request id and replaces a malformed one', async () => {
    const app = buildWebApp(await webDeps(db));
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-1234567' } });
    assert.equal(kept.headers['x-request-id'], 'trace-1234567');
    const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': '<script>' } });
    assert.notEqual(replaced.headers['x-request-id'], '<script>');
    await app.close();
  });

  it('speaks French by default, English when the browser prefers it, and remembers the switch', async () => {
    const app = buildWebApp(await webDeps(db));
    const fr = await app.inject({ url: '/' });
    assert.match(fr.body, /<html lang="fr">/);
    assert.match(fr.body, /Signature électronique par e-mail/);
    const en = await app.inject({ url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' } });
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /Electronic signature by email/);
    const switched = await app.inject({ url: '/?lang=en' });
    assert.match(switched.body, /<html lang="en">/);
    assert.match(String(switched.headers['set-cookie']), /paraphe_lang=en/);
    const remembered = await app.inject({ url: '/', headers: { cookie: 'paraphe_lang=en' } });
    assert.match(remembered.body, /<html lang="en">/);
    // The switch link leads to the other language on the same page.
    assert.match(fr.body, /href="\/\?lang=en"/);
    await app.close();
  });

  it('shows a friendly 404 page to people and JSON to programs', async () => {
    const app = buildWebApp(await webDeps(db));
    const page = await app.inject({ url: '/nope', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /Page introuvable/);
    const json = await app.inject({ url: '/nope', headers: { accept: 'application/json' } });
    assert.equal(json.statusCode, 404);
    assert.equal(json.json().error.code, 'HTTP_NOT_FOUND');
    await app.close();
  });

  it('exposes Prometheus metrics', async () => {
    const app = buildWebApp(await webDeps(db));
    await app.inject({ url: '/healthz' });
    const metrics = await app.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(
      metrics.body,
      /paraphe_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/,
    );
    await app.close();
  });

  it('lists, shows and downloads outgoing mail in the dev mailbox', async () => {
    const deps = await webDeps(db);
    const raw = new TextEncoder().encode(sampleMail);
    const id = await storeDevMail(db, deps, { from: 'alice@example.fr', to: ['bob@example.fr'], raw });
    const app = buildWebApp(deps);
    const list = await app.inject({ url: '/dev/mail' });
    assert.match(list.body, /Contrat à signer/);
    const json = (await app.inject({ url: '/dev/mail.json' })).json();
    const message = json.messages.find((m: { id: string }) => m.id === id);
    assert.equal(message.subject, 'Contrat à signer');
    assert.deepEqual(message.recipients, ['bob@example.fr']);
    assert.match(message.text, /voici le contrat/);
    assert.equal(message.attachments[0].filename, 'contrat.pdf');
    const page = await app.inject({ url: `/dev/mail/${id}` });
    assert.match(page.body, /voici le contrat/);
    assert.match(page.body, /contrat\.pdf/);
    const rawDownload = await app.inject({ url: `/dev/mail/${id}/raw` });
    assert.equal(rawDownload.body, sampleMail, 'the .eml download is the exact bytes sent');
    const attachment = await app.inject({ url: `/dev/mail/${id}/attachments/0` });
    assert.equal(attachment.body, '%PDF-1.4 fake');
    assert.equal((await app.inject({ url: `/dev/mail/${id}/attachments/9` })).statusCode, 404);
    assert.equal((await app.inject({ url: '/dev/mail/not-an-id' })).statusCode, 404);
    await app.close();
  });

  it('lists and shows every message in the dev mailbox, odd ones included, with what could be read', async () => {
    const deps = await webDeps(db);
    const bytes = (...parts: (string | number[])[]) =>
      new Uint8Array(
        Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))),
      );
    const odd = {
      // An encoded word in an unknown charset, raw 8-bit and NUL bytes in the Subject, no Date.
      headers: bytes(
        'Subject: =?x-unknown-9?B?qqqq?= ',
        [0xc3, 0x28, 0xff, 0x00],
        '\r\nFrom: =?utf-8?Q?=FF?= <a@b>\r\n\r\nhi\r\n',
      ),
      // No header at all: binary from the first byte.
      binary: bytes([0xff, 0x00, 0xfe, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]),
      // More MIME nesting than the parser accepts.
      nested: bytes(
        'Content-Type: multipart/mixed; boundary=a\r\n\r\n',
        '--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'.repeat(2000),
      ),
      // A header line longer than the parser accepts.
      longHeader: bytes(`Subject: ${'x'.repeat(3_000_000)}\r\n\r\nbody\r\n`),
    };
    const ids: Record<string, string> = {};
    for (const [name, raw] of Object.entries(odd))
      ids[name] = await storeDevMail(db, deps, { from: 'a@x.test', to: [`${name}@y.test`], raw });
    const good = await storeDevMail(db, deps, {
      from: 'alice@example.fr',
      to: ['bob@example.fr'],
      raw: new TextEncoder().encode(sampleMail),
    });
    const app = buildWebApp(deps);
    const response = await app.inject({ url: '/dev/mail.json' });
    assert.equal(response.statusCode, 200, response.body);
    const messages: Array<{ id: string; recipients: string[]; text: string; unreadable?: string }> =
      response.json().messages;
    assert.equal(messages.filter((m) => m.id === good || Object.values(ids).includes(m.id)).length, 5);
    assert.match(messages.find((m) => m.id === good)?.text ?? '', /voici le contrat/);
    assert.match(messages.find((m) => m.id === ids.headers)?.text ?? '', /hi/);
    for (const name of ['nested', 'longHeader']) {
      const message = messages.find((m) => m.id === ids[name]);
      assert.deepEqual(message?.recipients, [`${name}@y.test`]);
      assert.ok(message?.unreadable, `${name} says why it cannot be read`);
    }
    assert.equal((await app.inject({ url: '/dev/mail' })).statusCode, 200);
    const page = await app.inject({ url: `/dev/mail/${ids.nested}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ce message ne peut pas être affiché/);
    assert.match(page.body, /nested@y\.test/);
    await app.close();
  });

  it('lists SMS in the dev outbox', async () => {
    const deps = await webDeps(db);
    await devSmsSender(deps).send({
      toNumber: '+33612345678',
      senderId: 'Paraphe',
      body: 'Votre code : 123456',
    });
    const app = buildWebApp(deps);
    assert.match((await app.inject({ url: '/dev/sms' })).body, /Votre code : 123456/);
    const json = (await app.inject({ url: '/dev/sms.json' })).json();
    assert.equal(json.messages[0].toNumber, '+33612345678');
    await app.close();
  });

  it('serves no dev page at all when dev mode is off', async () => {
    const app = buildWebApp(await webDeps(db, { isDev: false }));
    for (const url of ['/dev/mail', '/dev/mail.json', '/dev/sms', '/dev/sms.json'])
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    await app.close();
  });

  it('reports not ready when the database is gone', async () => {
    const own = await freshDb();
    const app = buildWebApp(await webDeps(own));
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    await own.close();
    const ready = await app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().checks.database, 'unavailable');
    assert.equal(
      (await app.inject({ url: '/healthz' })).statusCode,
      200,
      'liveness does not depend on the database',
    );
    await app.close();
  });
});
