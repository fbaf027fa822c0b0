import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Registry } from 'prom-client';
import { testEngine } from '../../test/support/db.js';
import { errorCode, type SigningFixture, signingFixture } from '../../test/support/signing.js';
import { listAuditEvents } from '../audit/index.js';
import { getEnvelope } from '../envelopes/index.js';
import { listJobs, type Worker } from '../jobs/index.js';
import { endSigning, loadSigningPage, resealEnvelope, SEAL_JOB, sweepSigning } from '../signing/index.js';
import { statePage } from '../web/signer/views.js';
import { registerEnvelopeGauges } from './envelope-metrics.js';

describe(`a seal that fails for a permanent reason (${testEngine})`, () => {
  let fixture: SigningFixture;
  let worker: Worker;
  const metrics = new Registry();

  before(async () => {
    fixture = await signingFixture();
    worker = fixture.signingWorker();
    registerEnvelopeGauges(metrics, fixture.db);
  });
  after(async () => {
    await fixture.close();
  });

  const status = async (envelopeId: string) => (await getEnvelope(fixture.db, envelopeId)).envelope.status;
  const sealJobs = async (envelopeId: string) =>
    (
      await fixture.db.query<{ status: string; attempts: number; last_error: string | null }>(
        `SELECT status, attempts, last_error FROM jobs WHERE kind = $1 AND payload->>'envelopeId' = $2 ORDER BY created_at`,
        [SEAL_JOB, envelopeId],
      )
    ).rows;
  const mailsTo = async (envelopeId: string, purpose: string) =>
    (
      await fixture.db.query<{ recipients: string[]; raw_sha256: string }>(
        'SELECT recipients, raw_sha256 FROM mail_outbox WHERE envelope_id = $1 AND purpose = $2',
        [envelopeId, purpose],
      )
    ).rows;
  const gauge = async () => /^paraphe_envelopes_seal_failed (\d+)$/m.exec(await metrics.metrics())?.[1];

  it('ends the job failed at once, gives the envelope the seal_failed state, and tells the sender why', async () => {
    const envelope = await fixture.signedWithUndecodableImage('bad-image', '+33612340011');
    assert.equal(await status(envelope.envelopeId), 'sealing');
    await worker.runOnce();
    assert.equal(await status(envelope.envelopeId), 'seal_failed');
    const [job] = await sealJobs(envelope.envelopeId);
    assert.equal(job?.status, 'failed');
    assert.equal(job?.attempts, 1, 'not retried');
    assert.match(
      job?.last_error ?? '',
      new RegExp(`^PDF_STAMP_IMAGE_INVALID: envelope ${envelope.envelopeId}`),
    );
    // What `paraphe jobs list --failed` prints.
    assert.ok(
      (await listJobs(fixture.db, { status: 'failed' })).some((j) => j.lastError === job?.last_error),
    );
    assert.equal(await gauge(), '1');
    const audit = await listAuditEvents(fixture.db, envelope.envelopeId);
    assert.deepEqual(audit.find((e) => e.type === 'envelope.seal_failed')?.data, {
      code: 'PDF_STAMP_IMAGE_INVALID',
    });
    const mails = await mailsTo(envelope.envelopeId, 'signing.seal_failed');
    assert.deepEqual(
      mails.map((m) => m.recipients),
      [['sender@example.test']],
    );
    const mail = await simpleParser(Buffer.from(await fixture.blobs.get(mails[0]?.raw_sha256 ?? '')));
    assert.match(mail.subject ?? '', /pas encore scellés\s: Contrat bad-image/);
    assert.match(mail.text ?? '', /Raison\s: L’image de la signature n’est pas une image PNG valide\./);
    // The signer who signed reads a true sentence, not "when everyone has signed".
    const page = await loadSigningPage(fixture.db, {
      token: envelope.tokens[0] as string,
      now: fixture.clock.now(),
    });
    assert.equal(page.state, 'signed');
    assert.match(
      String(statePage('fr', page, false).body),
      /Tout le monde a signé, mais les documents n’ont pas encore pu être scellés/,
    );
  });

  it('is not queued again by the sweep, then an operator cancels it and the sender is told', async () => {
    const { rows } = await fixture.db.query<{ id: string }>(
      `SELECT id FROM envelopes WHERE status = 'seal_failed'`,
    );
    const envelopeId = rows[0]?.id ?? '';
    fixture.clock.advance(60 * 60_000);
    assert.equal((await sweepSigning(fixture.deps)).resealed, 0);
    await worker.runOnce();
    assert.deepEqual(
      (await sealJobs(envelopeId)).map((j) => j.status),
      ['failed'],
    );
    await endSigning(fixture.deps, { envelopeId, how: 'cancelled', actor: 'operator' });
    assert.equal(await status(envelopeId), 'cancelled');
    assert.equal((await mailsTo(envelopeId, 'signing.cancelled')).length, 1);
    assert.equal(await gauge(), '0');
    assert.equal(
      await errorCode(endSigning(fixture.deps, { envelopeId, how: 'cancelled', actor: 'operator' })),
      'ENVELOPE_STATE_CONFLICT',
    );
  });

  it('seals after the cause is fixed and an operator reseals it', async () => {
    const envelope = await fixture.signedWithUndecodableImage('fixed-later', '+33612340012');
    await worker.runOnce();
    assert.equal(await status(envelope.envelopeId), 'seal_failed');
    await fixture.db.query('UPDATE signatures SET image_sha256 = $2 WHERE envelope_id = $1', [
      envelope.envelopeId,
      envelope.goodSha,
    ]);
    const jobId = await resealEnvelope(fixture.deps, { envelopeId: envelope.envelopeId, isQueued: true });
    assert.ok(jobId);
    assert.equal(await status(envelope.envelopeId), 'sealing');
    await worker.runOnce();
    assert.equal(await status(envelope.envelopeId), 'completed');
    assert.equal((await mailsTo(envelope.envelopeId, 'signing.completed')).length, 2);
    assert.equal(
      await errorCode(resealEnvelope(fixture.deps, { envelopeId: envelope.envelopeId, isQueued: true })),
      'ENVELOPE_STATE_CONFLICT',
    );
  });
});
