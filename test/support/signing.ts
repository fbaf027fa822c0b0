import type { BlobStore } from '../../src/blobs/index.js';
import type { Db } from '../../src/db/index.js';
import type { SealKey } from '../../src/pdf/index.js';
import type { Clock } from '../../src/shared/clock.js';
import { randomIds } from '../../src/shared/ids.js';
import type { SigningDeps, SigningSettings } from '../../src/signing/index.js';
import { devSmsSender } from '../../src/sms/index.js';
import { testSmsSettings } from './sms.js';

/** Signing dependencies around a test database: dev SMS outbox, generous rate limits, a given key. */
export function testSigningDeps(o: {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  getKey: () => Promise<SealKey>;
  settings?: Partial<SigningSettings>;
}): SigningDeps {
  const { db, clock } = o;
  const ids = randomIds;
  const sms = testSmsSettings();
  return {
    db,
    blobs: o.blobs,
    clock,
    ids,
    sms: {
      db,
      clock,
      ids,
      sender: devSmsSender({ db, clock, ids }),
      settings: sms,
      secret: sms.otpSecret ?? '',
    },
    settings: {
      publicUrl: 'https://sign.example.test',
      codeFreshSeconds: 900,
      reminderAfterDays: 3,
      reminderEveryDays: 3,
      reminderMax: 3,
      sealedAttachMaxBytes: 15 * 1024 * 1024,
      ratePerIpPerMinute: 1000,
      ratePerTokenPerMinute: 1000,
      sealStuckMinutes: 15,
      sweepSeconds: 60,
      notifyFrom: 'Paraphe <noreply@example.test>',
      ...o.settings,
    },
    seal: {
      getKey: o.getKey,
      reason: () => 'TEST',
      location: '',
      contactInfo: '',
      docMdpPermissions: 1,
      locale: 'fr',
    },
  };
}
