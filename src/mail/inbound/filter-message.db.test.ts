import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../../test/support/db.js';
import { silentLogger } from '../../../test/support/logger.js';
import type { Db, Queryable } from '../../db/index.js';
import { manualClock } from '../../shared/clock.js';
import { filterMessage } from './filter-message.js';
import type { NextHop } from './next-hop.js';

const message = 'From: a@example.fr\r\nTo: b@example.fr\r\nSubject: contrat *SIGN\r\n\r\nShort body.\r\n';

describe(`filterMessage on a stream that ends during the sender lookup (${testEngine})`, () => {
  let db: Db;
  before(async () => {
    db = await freshDb();
  });
  after(async () => {
    await db.close();
  });

  it('passes a *SIGN message from a non-customer through whole when its stream ended during the lookup', async () => {
    // The lookup yields long enough for the stream's 'end' to fire while it runs.
    const slowDb: Queryable = {
      query: async (sql, params) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
    };
    let forwarded = '';
    const nextHop: NextHop = {
      async forward(relayed) {
        for await (const chunk of relayed.body) forwarded += Buffer.from(chunk as Uint8Array).toString();
        return relayed.to.map((address) => ({ address, isAccepted: true, code: 250, message: 'ok' }));
      },
    };
    const stream = new PassThrough();
    stream.end(Buffer.from(message));
    const result = await filterMessage(
      {
        db: slowDb,
        clock: manualClock(),
        logger: silentLogger,
        nextHop,
        handleSignRequest: async () => {
          throw new Error('not a signature request');
        },
        signMarker: '*SIGN',
        maxBytes: 1024 * 1024,
      },
      {
        mailFrom: 'a@example.fr',
        recipients: ['b@example.fr'],
        is8BitMime: false,
        isSmtpUtf8: false,
        stream,
        receivedAt: new Date(),
      },
    );
    assert.equal(result.kind, 'pass');
    assert.equal(result.replies[0]?.code, 250);
    assert.equal(forwarded, message);
  });
});
