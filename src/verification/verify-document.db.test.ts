import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testEngine } from '../../test/support/db.js';
import { type SigningFixture, signingFixture } from '../../test/support/signing.js';
import { PdfTools } from '../pdf/testing/tools.js';
import { submitSignature } from '../signing/index.js';
import type { VerificationDeps } from './deps.js';
import { lookUpHash, verifyDocument } from './index.js';

/** The whole path: a signed envelope sealed by the seal job, then judged as the page judges it. */
describe(`verifying what the seal job produced (${testEngine})`, () => {
  let fixture: SigningFixture;
  let deps: VerificationDeps;
  let sealed: Uint8Array;
  let originalSha: string;
  const tools = new PdfTools();

  before(async () => {
    fixture = await signingFixture();
    const envelope = await fixture.newEnvelope('e2e', ['alice@example.test']);
    const token = envelope.tokens[0] ?? '';
    await fixture.confirmPhone(token, '+33612340031');
    await submitSignature(fixture.deps, fixture.request(token, envelope.documentId));
    await fixture.signingWorker().runOnce();
    const { rows } = await fixture.db.query<{ sealed: string; original: string }>(
      `SELECT sd.sha256 AS sealed, d.sha256 AS original
       FROM sealed_documents sd JOIN documents d ON d.id = sd.document_id WHERE sd.envelope_id = $1`,
      [envelope.envelopeId],
    );
    assert.ok(rows[0], 'sealed');
    originalSha = rows[0].original;
    sealed = await fixture.blobs.get(rows[0].sealed);
    const key = await fixture.deps.seal.getKey();
    const devCa = key.chain.at(-1) ?? key.certificate;
    deps = {
      db: fixture.db,
      clock: fixture.clock,
      getTrust: () => ({ roots: [devCa], source: 'dev-ca', files: [], isTest: true }),
      settings: { maxPdfBytes: 20 * 1024 * 1024, ratePerIpPerMinute: 50 },
    };
  });
  after(async () => {
    tools.cleanup();
    await fixture.close();
  });

  it('prints the verification URL of the original on the evidence page', () => {
    const text = tools.text(sealed).replace(/\s+/g, '');
    assert.ok(text.includes(`https://sign.example.test/verifier?sha256=${originalSha}`), text.slice(-600));
  });

  it('says the sealed file is intact, made with the test key, and names its envelope', async () => {
    const verdict = await verifyDocument(deps, { pdfBytes: sealed });
    assert.equal(verdict.status, 'sealed');
    if (verdict.status !== 'sealed') return;
    assert.equal(verdict.isIntact, true);
    assert.equal(verdict.isTrusted, true);
    assert.equal(verdict.isTestKey, true);
    assert.match(verdict.sealedBy, /Paraphe Dev Seal/);
    assert.equal(verdict.envelopes[0]?.subject, 'Contrat e2e');
    assert.equal(verdict.envelopes[0]?.which, 'sealed');
    assert.equal(verdict.envelopes[0]?.status, 'completed');
    assert.deepEqual(verdict.envelopes[0]?.signers, ['Alice']);
  });

  it('finds the envelope from the hash the evidence page prints, masked', async () => {
    const [match] = await lookUpHash(deps, { sha256: originalSha });
    assert.equal(match?.which, 'original');
    assert.equal(match?.subject, null);
    assert.deepEqual(match?.signers, ['A***']);
  });
});
