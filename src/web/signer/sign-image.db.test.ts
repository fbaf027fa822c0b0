import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { testEngine } from '../../../test/support/db.js';
import { junkDataPng, signaturePng } from '../../../test/support/signature-png.js';
import { type SigningFixture, signingFixture, type TestEnvelope } from '../../../test/support/signing.js';
import { webDeps } from '../../../test/support/web.js';
import { getEnvelope } from '../../envelopes/index.js';
import { normalisePng } from '../../pdf/stamp/png.js';
import { buildWebApp } from '../app.js';

/** What a signer's browser sends to POST /s/<token>/sign, with its CSRF cookie and header. */
async function postSignature(
  app: FastifyInstance,
  input: { token: string; png: Uint8Array; documentId: string; lang: 'fr' | 'en' },
) {
  const pageReply = await app.inject({ url: `/s/${input.token}?lang=${input.lang}` });
  assert.equal(pageReply.statusCode, 200);
  const cookies = [pageReply.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]);
  const csrf = cookies.find((c) => c?.startsWith('paraphe_csrf='))?.split('=')[1] ?? '';
  return app.inject({
    method: 'POST',
    url: `/s/${input.token}/sign`,
    headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' },
    payload: {
      imagePng: `data:image/png;base64,${Buffer.from(input.png).toString('base64')}`,
      method: 'drawn',
      placements: [{ documentId: input.documentId, page: 1, x: 50, y: 50, width: 150, height: 50 }],
      consent: true,
    },
  });
}

describe(`POST /s/<token>/sign checks the drawing itself (${testEngine})`, () => {
  let fixture: SigningFixture;
  let app: FastifyInstance;

  before(async () => {
    fixture = await signingFixture();
    app = buildWebApp({ ...(await webDeps(fixture.db)), clock: fixture.clock, signing: fixture.deps });
  });
  after(async () => {
    await app.close();
    await fixture.close();
  });

  async function readyToSign(key: string, phone: string): Promise<TestEnvelope> {
    const envelope = await fixture.newEnvelope(key, ['solo@example.test']);
    await fixture.confirmPhone(envelope.tokens[0] as string, phone);
    return envelope;
  }

  async function assertStillPending(envelope: TestEnvelope): Promise<void> {
    const details = await getEnvelope(fixture.db, envelope.envelopeId);
    assert.equal(details.envelope.status, 'pending');
    assert.equal(details.signers[0]?.status, 'current');
    const { rows } = await fixture.db.query('SELECT 1 FROM signatures WHERE envelope_id = $1', [
      envelope.envelopeId,
    ]);
    assert.equal(rows.length, 0);
  }

  it('refuses a PNG with a valid header and junk image data, in the page’s language, and signs nothing', async () => {
    const envelope = await readyToSign('junk', '+33612340001');
    const token = envelope.tokens[0] as string;
    const fr = await postSignature(app, {
      token,
      png: junkDataPng(),
      documentId: envelope.documentId,
      lang: 'fr',
    });
    assert.equal(fr.statusCode, 400);
    assert.deepEqual(fr.json().error, {
      code: 'SIGNING_IMAGE_INVALID',
      message: 'La signature n’a pas pu être lue. Dessinez-la de nouveau.',
    });
    const en = await postSignature(app, {
      token,
      png: junkDataPng(),
      documentId: envelope.documentId,
      lang: 'en',
    });
    assert.equal(en.json().error.message, 'The signature could not be read. Draw it again.');
    await assertStillPending(envelope);
  });

  it('refuses a blank drawing and one with a few stray pixels', async () => {
    const envelope = await readyToSign('blank', '+33612340002');
    const token = envelope.tokens[0] as string;
    for (const png of [signaturePng(600, 200, { dots: 0 }), signaturePng(600, 200, { dots: 3 })]) {
      const reply = await postSignature(app, { token, png, documentId: envelope.documentId, lang: 'fr' });
      assert.equal(reply.statusCode, 400);
      assert.equal(reply.json().error.code, 'SIGNING_IMAGE_BLANK');
      assert.match(reply.json().error.message, /vide ou presque/);
    }
    await assertStillPending(envelope);
  });

  it('signs with a real drawing and stores it re-encoded and cropped to the ink', async () => {
    const envelope = await readyToSign('good', '+33612340003');
    const token = envelope.tokens[0] as string;
    const reply = await postSignature(app, {
      token,
      png: signaturePng(600, 200),
      documentId: envelope.documentId,
      lang: 'fr',
    });
    assert.equal(reply.statusCode, 200);
    assert.equal(reply.json().status, 'signed');
    const { rows } = await fixture.db.query<{ image_sha256: string }>(
      'SELECT image_sha256 FROM signatures WHERE envelope_id = $1',
      [envelope.envelopeId],
    );
    const stored = normalisePng(await fixture.blobs.get(rows[0]?.image_sha256 ?? ''));
    // The stroke spans the pad's width and ±23 px around its middle line: the empty bands above
    // and below are gone, a few pixels of margin are left.
    assert.equal(stored.width, 600);
    assert.ok(stored.height >= 46 && stored.height <= 56, `height ${stored.height}`);
  });
});
