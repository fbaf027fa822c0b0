import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDb } from '../../../test/support/db.js';
import { scriptedSender, testSmsSettings } from '../../../test/support/sms.js';
import { webDeps } from '../../../test/support/web.js';
import { listAuditEvents } from '../../audit/index.js';
import type { Db } from '../../db/index.js';
import { manualClock } from '../../shared/clock.js';
import { sequenceIds } from '../../shared/ids.js';
import { requestCode, type SmsDeps, twilioSignature } from '../../sms/index.js';
import { buildWebApp } from '../index.js';

const callbackUrl = 'https://sign.example.fr/webhooks/sms/twilio';
const authToken = 'twilio-auth-token';

describe('POST /webhooks/sms/twilio', () => {
  let db: Db;
  let sms: SmsDeps;
  let app: ReturnType<typeof buildWebApp>;
  const envelopeId = '22222222-2222-4222-8222-000000000001';

  before(async () => {
    db = await freshDb();
    const clock = manualClock();
    const ids = sequenceIds(100);
    const base = testSmsSettings();
    sms = {
      db,
      clock,
      ids,
      sender: scriptedSender({ name: 'twilio', outcomes: ['SM0123456789abcdef0123456789abcdef'] }),
      settings: { ...base, twilio: { ...base.twilio, authToken, statusCallbackUrl: callbackUrl } },
      secret: base.otpSecret ?? '',
    };
    await requestCode(sms, {
      signerId: '11111111-1111-4111-8111-000000000001',
      envelopeId,
      accountId: '33333333-3333-4333-8333-000000000001',
      phone: '0612345678',
      locale: 'fr',
    });
    app = buildWebApp({ ...(await webDeps(db)), sms });
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  const post = (params: Record<string, string>, signature: string | undefined) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/sms/twilio',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      payload: new URLSearchParams(params).toString(),
    });
  const deliveryStatus = async () =>
    (await db.query<{ delivery_status: string | null }>('SELECT delivery_status FROM sms_messages')).rows[0]
      ?.delivery_status;

  it('records a correctly signed delivery receipt in the message and the audit trail', async () => {
    const params = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      MessageStatus: 'delivered',
      To: '+33612345678',
    };
    const response = await post(params, twilioSignature({ authToken, url: callbackUrl, params }));
    assert.equal(response.statusCode, 204);
    assert.equal(await deliveryStatus(), 'delivered');
    const events = await listAuditEvents(db, envelopeId);
    assert.equal(events.at(-1)?.type, 'sms.delivery');
    assert.equal(events.at(-1)?.data.status, 'delivered');
  });

  it('keeps a final status when an earlier one arrives late', async () => {
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'sent' };
    const response = await post(params, twilioSignature({ authToken, url: callbackUrl, params }));
    assert.equal(response.statusCode, 204);
    assert.equal(await deliveryStatus(), 'delivered');
  });

  it('refuses a receipt with a wrong or missing signature, changing nothing', async () => {
    const params = {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      MessageStatus: 'failed',
      ErrorCode: '30003',
    };
    const forged = twilioSignature({ authToken: 'guessed', url: callbackUrl, params });
    assert.equal((await post(params, forged)).statusCode, 403);
    assert.equal((await post(params, undefined)).statusCode, 403);
    assert.equal(await deliveryStatus(), 'delivered');
  });
});
