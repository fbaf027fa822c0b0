import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../../test/support/db.js';
import { testSigningDeps } from '../../../test/support/signing.js';
import { webDeps } from '../../../test/support/web.js';
import type { Db } from '../../db/index.js';
import { buildWebApp } from '../app.js';

const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

describe(`signing links as people paste them (${testEngine})`, () => {
  let db: Db;
  let app: ReturnType<typeof buildWebApp>;
  before(async () => {
    db = await freshDb();
    const web = await webDeps(db);
    const signing = testSigningDeps({
      db,
      blobs: web.blobs,
      clock: web.clock,
      getKey: () => Promise.reject(new Error('no seal in these tests')),
    });
    app = buildWebApp({ ...web, signing });
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  it('sends a link with trailing punctuation, brackets or quotes to the clean link, query kept', async () => {
    for (const junk of ['.', ')', ').', ',', '%3E', '%22', '%C2%BB', '%20', ';', '!', "'"]) {
      const res = await app.inject({ url: `/s/${token}${junk}?lang=en`, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 302, junk);
      assert.equal(res.headers.location, `/s/${token}?lang=en`, junk);
    }
    const download = await app.inject({ url: `/d/${token}).` });
    assert.equal(download.headers.location, `/d/${token}`);
  });

  it('answers a cut-short or mangled link with the page that says to copy the whole link', async () => {
    for (const url of [
      `/s/${token.slice(0, 10)}`,
      `/s/${token.slice(0, 10)}.`,
      `/s/abc%25def${token}`,
      `/d/abc`,
    ]) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /Vérifiez qu’il a été copié en entier/, url);
      assert.doesNotMatch(res.body, /HTTP_BAD_REQUEST/, url);
    }
    const json = await app.inject({ method: 'POST', url: '/s/short/code', payload: { phone: '0612345678' } });
    assert.equal(json.statusCode, 404);
    assert.equal(json.json().error.code, 'SIGNING_LINK_UNKNOWN');
  });

  it('answers a well-formed link that matches nobody with the same page', async () => {
    const res = await app.inject({ url: `/s/${token}`, headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /copié en entier/);
  });
});
