import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb, testEngine } from '../../test/support/db.js';
import type { Db } from '../db/index.js';
import { manualClock } from '../shared/clock.js';
import { randomIds } from '../shared/ids.js';
import {
  addMailbox,
  createAccount,
  findAccount,
  findSenderMailbox,
  listAccounts,
  parisCalendarDay,
  setSubscription,
} from './index.js';

describe(`accounts and mailboxes (${testEngine})`, () => {
  let db: Db;
  const clock = manualClock('2026-11-26T10:00:00Z');
  before(async () => {
    db = await freshDb();
  });
  after(async () => {
    await db.close();
  });
  const deps = () => ({ db, clock, ids: randomIds });

  it('creates an account with its mailboxes, lower-cased, and finds it by id, name or address', async () => {
    const account = await createAccount(deps(), {
      name: 'Boulangerie Martin',
      mailboxes: ['Paul@Martin.fr'],
    });
    assert.deepEqual(account.mailboxes, ['paul@martin.fr']);
    assert.equal((await findAccount(db, account.id)).name, 'Boulangerie Martin');
    assert.equal((await findAccount(db, 'Boulangerie Martin')).id, account.id);
    assert.equal((await findAccount(db, 'PAUL@martin.fr')).id, account.id);
    await addMailbox(deps(), { account: account.id, address: 'compta@martin.fr' });
    assert.deepEqual((await findAccount(db, account.id)).mailboxes, ['compta@martin.fr', 'paul@martin.fr']);
    assert.ok((await listAccounts(db)).some((a) => a.id === account.id));
  });

  it('refuses an address that already belongs to an account, and creates nothing', async () => {
    const before = (await listAccounts(db)).length;
    await assert.rejects(createAccount(deps(), { name: 'Autre', mailboxes: ['paul@martin.fr'] }), {
      code: 'MAILBOX_TAKEN',
    });
    assert.equal((await listAccounts(db)).length, before);
  });

  it('refuses an invalid address, name or date with a clear code', async () => {
    await assert.rejects(createAccount(deps(), { name: 'X', mailboxes: ['not-an-address'] }), {
      code: 'MAILBOX_ADDRESS_INVALID',
    });
    await assert.rejects(createAccount(deps(), { name: '   ' }), { code: 'ACCOUNT_NAME_INVALID' });
    await assert.rejects(setSubscription(db, { account: 'paul@martin.fr', until: '2026-02-30' }), {
      code: 'SUBSCRIPTION_DATE_INVALID',
    });
    await assert.rejects(findAccount(db, 'nobody@nowhere.fr'), { code: 'ACCOUNT_NOT_FOUND' });
  });

  it('checks every input before writing: an impossible subscription day creates nothing', async () => {
    const before = (await listAccounts(db)).length;
    await assert.rejects(
      createAccount(deps(), {
        name: 'Durand',
        mailboxes: ['durand@example.test'],
        subscriptionUntil: '2027-02-30',
      }),
      { code: 'SUBSCRIPTION_DATE_INVALID' },
    );
    await assert.rejects(
      createAccount(deps(), { name: 'Durand', mailboxes: ['durand@example.test', 'bad address'] }),
      { code: 'MAILBOX_ADDRESS_INVALID' },
    );
    assert.equal((await listAccounts(db)).length, before);
    const created = await createAccount(deps(), {
      name: 'Durand',
      mailboxes: ['durand@example.test'],
      subscriptionUntil: '2027-02-28',
    });
    assert.equal(created.subscriptionUntil, '2027-02-28');
  });

  it('treats a sender as a customer only while the subscription runs, by the Paris calendar day', async () => {
    assert.equal(await findSenderMailbox(db, { address: 'stranger@example.com', now: clock.now() }), null);
    let sender = await findSenderMailbox(db, { address: 'Paul@martin.fr', now: clock.now() });
    assert.equal(sender?.hasValidSubscription, false, 'no subscription yet');
    await setSubscription(db, { account: 'paul@martin.fr', until: '2026-11-30' });
    sender = await findSenderMailbox(db, { address: 'paul@martin.fr', now: clock.now() });
    assert.equal(sender?.hasValidSubscription, true);
    // 30 Nov 23:30 UTC is already 1 Dec in Paris: the subscription has ended.
    assert.equal(parisCalendarDay(new Date('2026-11-30T23:30:00Z')), '2026-12-01');
    sender = await findSenderMailbox(db, {
      address: 'paul@martin.fr',
      now: new Date('2026-11-30T23:30:00Z'),
    });
    assert.equal(sender?.hasValidSubscription, false);
    sender = await findSenderMailbox(db, {
      address: 'paul@martin.fr',
      now: new Date('2026-11-30T22:30:00Z'),
    });
    assert.equal(sender?.hasValidSubscription, true);
  });
});
