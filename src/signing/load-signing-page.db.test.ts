import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SigningFixture, signingFixture } from '../../test/support/signing.js';
import type { Queryable } from '../db/index.js';
import { getEnvelope } from '../envelopes/index.js';
import { loadSigningPage } from './load-signing-page.js';

describe('loadSigningPage', () => {
  let fixture: SigningFixture;

  before(async () => {
    fixture = await signingFixture();
  });

  after(async () => {
    await fixture.close();
  });

  it('reads the signer, the envelope, its documents and its signers in one statement', async () => {
    const created = await fixture.newEnvelope('one-read', ['alice@example.test', 'bob@example.test']);
    const sql: string[] = [];
    const counting: Queryable = {
      query: (text, params) => {
        sql.push(text);
        return fixture.db.query(text, params);
      },
      exec: (text) => fixture.db.exec(text),
    };
    const view = await loadSigningPage(counting, {
      token: created.tokens[1] as string,
      now: fixture.clock.now(),
    });
    // Every submit and page load runs this: under a burst each extra round trip queues.
    assert.equal(sql.length, 1);
    const details = await getEnvelope(fixture.db, created.envelopeId);
    assert.deepEqual(view.envelope, details.envelope);
    assert.deepEqual(view.documents, details.documents);
    assert.deepEqual(view.signers, details.signers);
    assert.equal(view.signer.address, 'bob@example.test');
    assert.equal(view.state, 'not-yet');
    assert.equal(view.waitingFor, 'alice@example.test');
  });
});
