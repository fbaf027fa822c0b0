import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb } from '../../test/support/db.js';
import { createAccount } from '../accounts/index.js';
import { listAuditEvents } from '../audit/index.js';
import type { Db } from '../db/index.js';
import { manualClock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import { randomIds } from '../shared/ids.js';
import {
  completeSignerTurn,
  createEnvelope,
  declineEnvelope,
  endEnvelope,
  getEnvelope,
  listExpiredEnvelopes,
  markEnvelopeCompleted,
} from './index.js';

describe('envelope state machine', () => {
  let db: Db;
  let accountId: string;
  let mailboxId: string;
  const clock = manualClock('2026-11-26T10:00:00Z');
  const deps = { clock, ids: randomIds };
  let n = 0;

  before(async () => {
    db = await freshDb();
    const account = await createAccount(
      { db, clock, ids: randomIds },
      { name: 'Acme', mailboxes: ['alice@acme.test'] },
    );
    accountId = account.id;
    const { rows } = await db.query<{ id: string }>('SELECT id FROM mailboxes WHERE address = $1', [
      'alice@acme.test',
    ]);
    mailboxId = rows[0]?.id ?? '';
  });
  after(() => db.close());

  const newEnvelope = (signers: string[]) =>
    db.transaction(async (tx) => {
      const created = await createEnvelope(tx, deps, {
        accountId,
        mailboxId,
        senderAddress: 'alice@acme.test',
        subject: 'Contrat',
        locale: 'fr',
        messageId: `<${++n}@acme.test>`,
        queueId: null,
        dedupeKey: `message-id:<${n}@acme.test>`,
        raw: { sha256: 'a'.repeat(64), sizeBytes: 10 },
        expiresAt: new Date(clock.now().getTime() + 30 * 86_400_000),
        documents: [
          { fileName: 'c.pdf', sha256: 'b'.repeat(64), sizeBytes: 5, pageCount: 1, hasSignatures: false },
        ],
        signers: signers.map((address) => ({ address, name: null })),
      });
      assert.ok(created.isNew);
      return created;
    });

  it('passes the turn in order and goes to sealing after the last signature, then completes once', async () => {
    const created = await newEnvelope(['bob@example.org', 'carol@example.org']);
    const [bob, carol] = created.signers;
    assert.ok(bob && carol);
    const first = await db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: bob.id }));
    assert.equal(first.outcome, 'next');
    assert.equal(first.outcome === 'next' ? first.nextSigner.address : '', 'carol@example.org');
    await assert.rejects(
      db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: bob.id })),
      (e) => isAppError(e, 'SIGNER_NOT_CURRENT'),
      'a double submit signs once',
    );
    const last = await db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: carol.id }));
    assert.equal(last.outcome, 'all-signed');
    assert.equal((await getEnvelope(db, created.envelopeId)).envelope.status, 'sealing');
    await db.transaction((tx) => markEnvelopeCompleted(tx, deps, { envelopeId: created.envelopeId }));
    await assert.rejects(
      db.transaction((tx) => markEnvelopeCompleted(tx, deps, { envelopeId: created.envelopeId })),
      (e) => isAppError(e, 'ENVELOPE_STATE_CONFLICT'),
    );
    const details = await getEnvelope(db, created.envelopeId);
    assert.equal(details.envelope.status, 'completed');
    assert.deepEqual(
      details.signers.map((s) => s.status),
      ['signed', 'signed'],
    );
    const types = (await listAuditEvents(db, created.envelopeId)).map((e) => e.type);
    assert.deepEqual(types, [
      'envelope.created',
      'signer.signed',
      'signer.turn_started',
      'signer.signed',
      'envelope.all_signed',
      'envelope.completed',
    ]);
  });

  it('lets only the signer holding the turn sign or decline', async () => {
    const created = await newEnvelope(['bob@example.org', 'carol@example.org']);
    const carol = created.signers[1];
    assert.ok(carol);
    await assert.rejects(
      db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: carol.id })),
      (e) => isAppError(e, 'SIGNER_NOT_CURRENT'),
    );
    await assert.rejects(
      db.transaction((tx) => declineEnvelope(tx, deps, { signerId: carol.id, reason: 'no' })),
      (e) => isAppError(e, 'SIGNER_NOT_CURRENT'),
    );
  });

  it('ends the envelope when the current signer declines, and nothing can be signed after', async () => {
    const created = await newEnvelope(['bob@example.org']);
    const bob = created.signers[0];
    assert.ok(bob);
    await db.transaction((tx) =>
      declineEnvelope(tx, deps, { signerId: bob.id, reason: '  Mauvais montant ' }),
    );
    const details = await getEnvelope(db, created.envelopeId);
    assert.equal(details.envelope.status, 'declined');
    assert.ok(details.envelope.finishedAt);
    await assert.rejects(
      db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: bob.id })),
      (e) => isAppError(e, 'SIGNER_NOT_CURRENT'),
    );
    const declined = (await listAuditEvents(db, created.envelopeId)).find(
      (e) => e.type === 'envelope.declined',
    );
    assert.deepEqual(declined?.data, { reason: 'Mauvais montant' });
  });

  it('expires pending envelopes past their date and refuses signatures on a cancelled one', async () => {
    const expiring = await newEnvelope(['bob@example.org']);
    const cancelled = await newEnvelope(['bob@example.org']);
    clock.advance(31 * 86_400_000);
    const due = await listExpiredEnvelopes(db, { now: clock.now(), limit: 100 });
    assert.ok(due.includes(expiring.envelopeId));
    await db.transaction((tx) =>
      endEnvelope(tx, deps, { envelopeId: expiring.envelopeId, to: 'expired', actor: 'system' }),
    );
    await db.transaction((tx) =>
      endEnvelope(tx, deps, { envelopeId: cancelled.envelopeId, to: 'cancelled', actor: 'operator' }),
    );
    assert.equal((await getEnvelope(db, expiring.envelopeId)).envelope.status, 'expired');
    await assert.rejects(
      db.transaction((tx) =>
        endEnvelope(tx, deps, { envelopeId: expiring.envelopeId, to: 'cancelled', actor: 'operator' }),
      ),
      (e) => isAppError(e, 'ENVELOPE_STATE_CONFLICT'),
    );
    const bob = cancelled.signers[0];
    assert.ok(bob);
    await assert.rejects(
      db.transaction((tx) => completeSignerTurn(tx, deps, { signerId: bob.id })),
      (e) => isAppError(e, 'SIGNER_NOT_CURRENT'),
    );
    assert.equal(
      (await listExpiredEnvelopes(db, { now: clock.now(), limit: 100 })).includes(expiring.envelopeId),
      false,
    );
  });
});
