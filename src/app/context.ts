import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { type BillingDeps, billingMetrics } from '../billing/index.js';
import { type BlobStore, openBlobStore } from '../blobs/index.js';
import type { Config } from '../config/index.js';
import { type Db, lockEmbeddedDb, migrate, openDb } from '../db/index.js';
import { createTsaClient, loadSealKey, resolveTrustAnchors, type TrustAnchors } from '../keys/index.js';
import {
  createMailTransport,
  deliverNow,
  type MailTransport,
  type OutboxDeliveryDeps,
} from '../mail/outbound/index.js';
import type { SealKey } from '../pdf/index.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { type Ids, randomIds } from '../shared/ids.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { SigningDeps } from '../signing/index.js';
import { createSmsSender, resolveOtpSecret, type SmsDeps, type SmsSender, smsMetrics } from '../sms/index.js';
import type { VerificationDeps } from '../verification/index.js';

/** Everything a role or a command needs, built once from the configuration. */
export interface AppContext {
  config: Config;
  logger: Logger;
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  metrics: Registry;
  mailTransport: MailTransport;
  /** What every delivery of an outbox row uses: the mail.deliver job and the immediate attempts. */
  outbox: OutboxDeliveryDeps;
  smsSender: SmsSender;
  /** The SMS use cases' dependencies (provider from PARAPHE_SMS_PROVIDER, OTP secret, counters). */
  sms: SmsDeps;
  /** The signing use cases' dependencies (seal key loaded on first use). */
  signing: SigningDeps;
  /** The billing use cases' dependencies (price rules, counters). */
  billing: BillingDeps;
  /** The public verification page's dependencies (trust anchors read on first use). */
  verification: VerificationDeps;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), the blob store and the transports. Embedded mode takes the
 * PGlite folder's lock, so a second process gets a clear refusal instead of a corrupted database.
 */
export async function createAppContext(
  config: Config,
  options: { logger?: Logger; clock?: Clock; ids?: Ids; migrate?: boolean } = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const unlock = config.db.url ? () => {} : lockEmbeddedDb(config.db.pglitePath);
  let db: Db;
  try {
    db = await openDb({ url: config.db.url, pglitePath: config.db.pglitePath, poolSize: config.db.poolSize });
    if (options.migrate !== false) await migrate(db);
  } catch (error) {
    unlock();
    if (error instanceof AppError) throw error;
    throw new AppError('DB_UNAVAILABLE', `cannot open the database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(config.blobs, { ids });
  } catch (error) {
    await db.close();
    unlock();
    throw error;
  }
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'paraphe_' });
  const mailTransport = createMailTransport(config.mail, { db, blobs, clock, ids });
  const refused = new Counter({
    name: 'paraphe_mail_refused_total',
    help: 'Outgoing messages the next hop refused for good (5xx), by purpose and whether the sender was told',
    labelNames: ['purpose', 'notice'] as const,
    registers: [metrics],
  });
  const outbox: OutboxDeliveryDeps = {
    db,
    blobs,
    clock,
    ids,
    transport: mailTransport,
    logger: logger.child({ component: 'outbox' }),
    notices: { from: config.envelopes.notifyFrom, maxBytes: config.mail.maxBytes },
    claimSeconds: config.mail.sendClaimSeconds,
    onRefused: ({ purpose, isNoticeQueued }) =>
      refused.inc({ purpose, notice: isNoticeQueued ? 'queued' : 'none' }),
  };
  const smsSender = createSmsSender(config.sms, { db, clock, ids });
  const sms: SmsDeps = {
    db,
    clock,
    ids,
    sender: smsSender,
    settings: config.sms,
    secret: resolveOtpSecret({
      configured: config.sms.otpSecret,
      dataDir: config.dataDir,
      isEmbedded: config.isEmbedded,
    }),
    metrics: smsMetrics(metrics),
  };
  const billing: BillingDeps = { clock, ids, rules: config.billing, metrics: billingMetrics(metrics) };
  let sealKey: Promise<SealKey & { close?: () => void }> | undefined;
  const signing: SigningDeps = {
    db,
    blobs,
    clock,
    ids,
    sms,
    billing,
    settings: config.signing,
    seal: {
      getKey: () => {
        sealKey ??= loadSealKey({ settings: config.seal, dataDir: config.dataDir, isDev: config.isDev });
        // A failed load (HSM down, wrong passphrase) is tried again by the next seal job.
        sealKey.catch(() => {
          sealKey = undefined;
        });
        return sealKey;
      },
      reason: (locale) => config.seal.reason ?? t(locale, 'keys.seal.defaultReason'),
      location: config.seal.location ?? '',
      contactInfo: config.seal.contactInfo ?? '',
      docMdpPermissions: config.seal.docMdpLevel,
      ...(config.seal.tsaUrls.length > 0
        ? { timestamp: createTsaClient({ urls: config.seal.tsaUrls }) }
        : {}),
      locale: config.seal.evidenceLocales[0] ?? 'fr',
      level: config.seal.level,
      ltvRenewMarginDays: config.seal.ltvRenewMarginDays,
    },
    deliverSoon: (outboxIds) => {
      for (const id of outboxIds) void deliverNow(outbox, id);
    },
  };
  let trust: TrustAnchors | undefined;
  const verification: VerificationDeps = {
    db,
    clock,
    getTrust: () => {
      // Read again while there is none: the dev CA appears with the first seal.
      if (!trust || trust.source === 'none')
        trust = resolveTrustAnchors([], () => ({
          verifyTrustPaths: config.seal.verifyTrustPaths,
          isDev: config.isDev,
          dataDir: config.dataDir,
        }));
      return trust;
    },
    settings: {
      maxPdfBytes: config.envelopes.maxAttachmentBytes,
      ratePerIpPerMinute: config.signing.ratePerIpPerMinute,
    },
  };
  return {
    config,
    logger,
    db,
    blobs,
    clock,
    ids,
    metrics,
    mailTransport,
    outbox,
    smsSender,
    sms,
    signing,
    billing,
    verification,
    async close() {
      if (sealKey) (await sealKey.catch(() => undefined))?.close?.();
      await mailTransport.close();
      await blobs.close?.();
      await db.close();
      unlock();
    },
  };
}
