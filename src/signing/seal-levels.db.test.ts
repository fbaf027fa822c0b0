import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalPkiServices, localTsaUrl } from '../../test/support/pdf-validate.js';
import { makeSecondTsa } from '../../test/support/second-tsa.js';
import { type SigningFixture, signingFixture } from '../../test/support/signing.js';
import { getEnvelope } from '../envelopes/index.js';
import { createTsaClient } from '../keys/index.js';
import { listSignatureContents } from '../pdf/ltv/index.js';
import { testSealKey } from '../pdf/testing/fixtures.js';
import { isAppError } from '../shared/errors.js';
import { renewLongTermValidation } from './renew-long-term-validation.js';
import { sealEnvelope } from './seal-envelope.js';
import { submitSignature } from './submit-signature.js';

describe('seal levels and long-term renewal', () => {
  let fixture: SigningFixture;
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-seal-levels-'));
  before(async () => {
    await ensureLocalPkiServices();
    fixture = await signingFixture();
  });
  after(async () => {
    await fixture.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the envelope sealing for a retry when revocation data cannot be fetched, then seals at B-LT and renews it before the timestamp expires', async () => {
    const { db, blobs, clock, deps } = fixture;
    const solo = await fixture.newEnvelope('k4', ['erin@example.test']);
    const token = solo.tokens[0] as string;
    clock.advance(3_600_000);
    await fixture.confirmPhone(token, '+33622334455');
    await submitSignature(deps, fixture.request(token, solo.documentId));
    const seal = {
      ...deps.seal,
      getKey: async () => testSealKey('seal-rsa'),
      timestamp: createTsaClient({ urls: [localTsaUrl], rounds: 1 }),
      level: 'B-LT' as const,
    };
    const unreachable = async () => ({
      ocsps: [],
      crls: [],
      statuses: [
        { subject: 'CN=Seal', status: { status: 'unknown' as const, reason: 'no OCSP or CRL answer' } },
      ],
    });
    await assert.rejects(
      sealEnvelope(
        { ...deps, seal: { ...seal, fetchRevocation: unreachable } },
        { envelopeId: solo.envelopeId },
      ),
      (error) => isAppError(error, 'REVOCATION_UNAVAILABLE') && error.kind === 'unavailable',
    );
    assert.equal((await getEnvelope(db, solo.envelopeId)).envelope.status, 'sealing');
    const none = await db.query('SELECT 1 FROM sealed_documents WHERE envelope_id = $1', [solo.envelopeId]);
    assert.equal(none.rows.length, 0);

    assert.equal(
      (await sealEnvelope({ ...deps, seal }, { envelopeId: solo.envelopeId })).status,
      'completed',
    );
    const { rows } = await db.query<{ sha256: string }>(
      'SELECT sha256 FROM sealed_documents WHERE envelope_id = $1',
      [solo.envelopeId],
    );
    const sealed = await blobs.get(rows[0]?.sha256 ?? '');
    assert.deepEqual(
      (await listSignatureContents(sealed)).map((s) => [s.kind, s.hasValidationData]),
      [['signature', true]],
    );

    // Renewal, once the newest timestamp's TSA certificate (test PKI: 2028-11-25) nears expiry.
    const tsaExpiry = new Date('2028-11-25T15:04:46Z');
    const row = async () =>
      (
        await db.query<{ sha256: string; ltv_expires_at: Date }>(
          'SELECT sha256, ltv_expires_at FROM sealed_documents WHERE envelope_id = $1',
          [solo.envelopeId],
        )
      ).rows[0];
    assert.equal((await row())?.ltv_expires_at.toISOString(), tsaExpiry.toISOString());
    const renewing = { ...deps, seal: { ...seal, ltvRenewMarginDays: 90 } };
    assert.deepEqual(await renewLongTermValidation(renewing), { renewed: 0, stuck: 0 });
    clock.set(new Date(tsaExpiry.getTime() - 30 * 86_400_000));
    // The same TSA certificate would not push the expiry later: nothing is written.
    assert.deepEqual(await renewLongTermValidation(renewing), { renewed: 0, stuck: 1 });
    assert.equal((await row())?.sha256, rows[0]?.sha256);

    const rotated = makeSecondTsa(dir);
    const result = await renewLongTermValidation({
      ...renewing,
      seal: { ...renewing.seal, timestamp: rotated },
    });
    assert.deepEqual(result, { renewed: 1, stuck: 0 });
    const renewed = await row();
    assert.ok(renewed && renewed.ltv_expires_at.getTime() > tsaExpiry.getTime());
    const renewedPdf = await blobs.get(renewed.sha256);
    assert.equal(Buffer.compare(Buffer.from(renewedPdf.subarray(0, sealed.length)), Buffer.from(sealed)), 0);
    assert.deepEqual(
      (await listSignatureContents(renewedPdf)).map((s) => s.kind),
      ['signature', 'document-timestamp'],
    );
    assert.deepEqual(await renewLongTermValidation(renewing), { renewed: 0, stuck: 0 });
  });
});
