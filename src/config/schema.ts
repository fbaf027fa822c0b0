import path from 'node:path';
import { z } from 'zod';
import { envBoolean, envList, envPort, envPositiveInt } from './env.js';

/**
 * Every environment variable Paraphe reads, with its default. Defaults describe the embedded
 * stack (PGlite, local blobs, dev mailbox), so `paraphe start` works with no setting at all.
 * docs/configuration.md documents each one; keep them in step.
 */
/** PAdES baseline levels a seal can be written at (ETSI EN 319 142-1). */
export const sealLevels = ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const;
export type SealLevel = (typeof sealLevels)[number];

export const EnvSchema = z.object({
  PARAPHE_DATA_DIR: z.string().min(1).default('./data'),
  PARAPHE_PUBLIC_URL: z.string().url().optional(),
  PARAPHE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  PARAPHE_HTTP_PORT: envPort.default(8080),
  PARAPHE_HTTPS: envBoolean.optional(),
  PARAPHE_TRUST_PROXY: envBoolean.default(false),
  PARAPHE_LMTP_PORT: envPort.default(10025),
  PARAPHE_SMTP_PORT: envPort.default(2525),
  PARAPHE_MAIL_HOST: z.string().min(1).default('127.0.0.1'),
  PARAPHE_RELAY_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  PARAPHE_DB_POOL_SIZE: envPositiveInt.default(10),
  PARAPHE_DEV: envBoolean.optional(),
  PARAPHE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARAPHE_ROLES: envList.optional(),
  PARAPHE_JOBS_CONCURRENCY: envPositiveInt.default(4),
  PARAPHE_JOBS_LEASE_SECONDS: envPositiveInt.default(300),
  PARAPHE_JOBS_POLL_MS: envPositiveInt.default(500),
  PARAPHE_JOBS_STOP_GRACE_SECONDS: envPositiveInt.default(20),
  PARAPHE_DEMO_MAILBOX: z.string().email().default('demo@paraphe.test'),
  // mail
  PARAPHE_MAIL_ALLOWED_CLIENTS: envList.default(['127.0.0.1', '::1']),
  PARAPHE_MAIL_MAX_BYTES: envPositiveInt.default(35 * 1024 * 1024),
  PARAPHE_MAIL_HOSTNAME: z.string().min(1).optional(),
  PARAPHE_MAIL_SEND_CLAIM_SECONDS: envPositiveInt.default(300),
  PARAPHE_MAIL_OUTBOX_KEEP_DAYS: envPositiveInt.max(3650).default(7),
  // envelopes
  PARAPHE_SIGN_MARKER: z.string().trim().min(2).max(40).default('*SIGN'),
  PARAPHE_MAX_SIGNERS: envPositiveInt.max(200).default(20),
  PARAPHE_MAX_ATTACHMENT_BYTES: envPositiveInt.default(20 * 1024 * 1024),
  PARAPHE_ENVELOPE_EXPIRY_DAYS: envPositiveInt.max(3650).default(30),
  PARAPHE_NOTIFY_FROM: z.string().min(3).optional(),
  // sms
  PARAPHE_SMS_PROVIDER: z.enum(['dev', 'twilio', 'ovh']).default('dev'),
  // Alphanumeric sender id as carriers accept it: 1-11 letters, digits or spaces, one letter at least.
  PARAPHE_SMS_SENDER_ID: z
    .string()
    .regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/, 'must be 1 to 11 letters, digits or spaces, with a letter')
    .default('Paraphe'),
  // Named in every code SMS; plain ASCII letters keep the text GSM-7 and within 160 characters.
  PARAPHE_SMS_OPERATOR_NAME: z
    .string()
    .regex(/^[A-Za-z0-9 .&'-]{1,30}$/, "must be 1 to 30 ASCII letters, digits, spaces or . & ' -")
    .default('Paraphe'),
  PARAPHE_OTP_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')
    .optional(),
  PARAPHE_OTP_TTL_SECONDS: envPositiveInt.default(600),
  PARAPHE_OTP_MAX_ATTEMPTS: envPositiveInt.default(5),
  PARAPHE_OTP_RESEND_SECONDS: envPositiveInt.default(30),
  PARAPHE_SMS_MAX_PER_SIGNER_HOUR: envPositiveInt.default(5),
  PARAPHE_SMS_MAX_PER_ENVELOPE_DAY: envPositiveInt.default(30),
  PARAPHE_SMS_MAX_PER_ACCOUNT_HOUR: envPositiveInt.default(200),
  PARAPHE_SMS_MAX_PER_ACCOUNT_DAY: envPositiveInt.default(1000),
  PARAPHE_SMS_MAX_GLOBAL_HOUR: envPositiveInt.default(2000),
  PARAPHE_SMS_MAX_GLOBAL_DAY: envPositiveInt.default(10000),
  PARAPHE_SMS_SEND_MAX_ATTEMPTS: envPositiveInt.default(6),
  PARAPHE_SMS_RETRY_DELAY_SECONDS: envPositiveInt.default(10),
  PARAPHE_SMS_SEND_LEASE_SECONDS: envPositiveInt.default(60),
  PARAPHE_SMS_HTTP_TIMEOUT_MS: envPositiveInt.default(10000),
  PARAPHE_TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  PARAPHE_TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  PARAPHE_TWILIO_MESSAGING_SERVICE_SID: z.string().min(1).optional(),
  PARAPHE_TWILIO_BASE_URL: z.string().url().default('https://api.twilio.com'),
  PARAPHE_TWILIO_STATUS_CALLBACK: envBoolean.default(true),
  PARAPHE_OVH_ENDPOINT: z.string().url().default('https://eu.api.ovh.com/1.0'),
  PARAPHE_OVH_APPLICATION_KEY: z.string().min(1).optional(),
  PARAPHE_OVH_APPLICATION_SECRET: z.string().min(1).optional(),
  PARAPHE_OVH_CONSUMER_KEY: z.string().min(1).optional(),
  PARAPHE_OVH_SMS_SERVICE_NAME: z.string().min(1).optional(),
  // seal
  PARAPHE_SEAL_P12: z.string().min(1).optional(),
  PARAPHE_SEAL_P12_PASSPHRASE: z.string().optional(),
  PARAPHE_SEAL_P12_PASSPHRASE_FILE: z.string().min(1).optional(),
  PARAPHE_SEAL_CHAIN: z.string().min(1).optional(),
  PARAPHE_SEAL_PKCS11_MODULE: z.string().min(1).optional(),
  PARAPHE_SEAL_PKCS11_SLOT: z.coerce.number().int().min(0).optional(),
  PARAPHE_SEAL_PKCS11_TOKEN_LABEL: z.string().min(1).optional(),
  PARAPHE_SEAL_PKCS11_PIN: z.string().optional(),
  PARAPHE_SEAL_PKCS11_PIN_FILE: z.string().min(1).optional(),
  PARAPHE_SEAL_PKCS11_KEY_LABEL: z.string().min(1).optional(),
  PARAPHE_SEAL_PKCS11_CERT: z.string().min(1).optional(),
  PARAPHE_TSA_URLS: envList.optional(),
  PARAPHE_SEAL_REASON: z.string().min(1).optional(),
  PARAPHE_SEAL_LOCATION: z.string().min(1).optional(),
  PARAPHE_SEAL_CONTACT_INFO: z.string().min(1).optional(),
  PARAPHE_SEAL_DOCMDP: z
    .enum(['1', '2'])
    .default('1')
    .transform((v) => (v === '1' ? 1 : 2) as 1 | 2),
  PARAPHE_SEAL_EVIDENCE_LOCALE: z.enum(['fr', 'en', 'fr+en']).default('fr'),
  PARAPHE_SEAL_LEVEL: z.enum(sealLevels).optional(),
  PARAPHE_LTV_RENEW_MARGIN_DAYS: envPositiveInt.default(90),
  PARAPHE_VERIFY_TRUST: envList.optional(),
  // signing
  PARAPHE_SIGNING_CODE_FRESH_SECONDS: envPositiveInt.default(900),
  PARAPHE_REMINDER_AFTER_DAYS: envPositiveInt.default(3),
  PARAPHE_REMINDER_EVERY_DAYS: envPositiveInt.default(3),
  PARAPHE_REMINDER_MAX: z.coerce.number().int().min(0).max(20).default(3),
  PARAPHE_SEALED_ATTACH_MAX_BYTES: envPositiveInt.default(15 * 1024 * 1024),
  PARAPHE_SIGNING_RATE_PER_IP_MINUTE: envPositiveInt.default(300),
  PARAPHE_SIGNING_RATE_PER_TOKEN_MINUTE: envPositiveInt.default(60),
  PARAPHE_SEAL_STUCK_MINUTES: envPositiveInt.default(15),
  PARAPHE_SIGNING_SWEEP_SECONDS: envPositiveInt.default(60),
  // blob store (cross-checked in blob-store-checks.ts)
  PARAPHE_BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
  PARAPHE_BLOBS_FS_FALLBACK: envBoolean.default(false),
  PARAPHE_S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be an S3 bucket name (3-63 lowercase letters, digits, . or -)',
    )
    .optional(),
  PARAPHE_S3_PREFIX: z.string().default(''),
  PARAPHE_S3_ENDPOINT: z.string().url().optional(),
  PARAPHE_S3_REGION: z.string().min(1).default('us-east-1'),
  PARAPHE_S3_FORCE_PATH_STYLE: envBoolean.default(false),
  PARAPHE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PARAPHE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  PARAPHE_S3_SSE: z.enum(['AES256', 'aws:kms']).optional(),
  PARAPHE_S3_SSE_KMS_KEY_ID: z.string().min(1).optional(),
  // S3 allows 5 MiB to 5 GiB per part; larger blobs go up in parts of this size.
  PARAPHE_S3_PART_SIZE_MB: envPositiveInt.min(5).max(5120).default(16),
  // billing
  PARAPHE_SIGNATURE_PRICE_CENTS: z.coerce.number().int().min(0).default(100),
  PARAPHE_FREE_THRESHOLD: envPositiveInt.default(10),
  PARAPHE_FREE_WINDOW_DAYS: envPositiveInt.max(3650).default(30),
  // Percent with up to two decimals (20, 5.5, 2.1): kept as basis points so VAT stays integer maths.
  PARAPHE_VAT_RATE_PERCENT: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'at most two decimals')
    .default(20),
});

export type Env = z.infer<typeof EnvSchema>;

export const roleNames = ['mail', 'web', 'worker'] as const;
export type Role = (typeof roleNames)[number];

/** A domain for default From addresses: the public host when it is a name, else `localhost`. */
function mailDomainOf(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(host) ? host : 'localhost';
}

/**
 * B-LT when there is a TSA and a real key; B-T with the generated dev key, whose certificate names
 * no OCSP responder or CRL (B-LT would fail every seal); B-B without a TSA.
 */
function defaultSealLevel(env: Env): SealLevel {
  if ((env.PARAPHE_TSA_URLS ?? []).length === 0) return 'B-B';
  return env.PARAPHE_SEAL_P12 || env.PARAPHE_SEAL_PKCS11_MODULE ? 'B-LT' : 'B-T';
}

/** The typed configuration the rest of the program receives. */
export function shapeConfig(env: Env, cwd: string) {
  const dataDir = path.resolve(cwd, env.PARAPHE_DATA_DIR);
  const isEmbedded = env.DATABASE_URL === undefined;
  const httpOrigin = `http://${env.PARAPHE_HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : env.PARAPHE_HTTP_HOST}:${env.PARAPHE_HTTP_PORT}`;
  const publicUrl = (env.PARAPHE_PUBLIC_URL ?? httpOrigin).replace(/\/+$/, '');
  return {
    dataDir,
    publicUrl,
    isEmbedded,
    isDev: env.PARAPHE_DEV ?? isEmbedded,
    logLevel: env.PARAPHE_LOG_LEVEL,
    roles: (env.PARAPHE_ROLES ?? [...roleNames]) as Role[],
    http: {
      host: env.PARAPHE_HTTP_HOST,
      port: env.PARAPHE_HTTP_PORT,
      isHttps: env.PARAPHE_HTTPS ?? publicUrl.startsWith('https://'),
      trustProxy: env.PARAPHE_TRUST_PROXY,
    },
    mail: {
      host: env.PARAPHE_MAIL_HOST,
      lmtpPort: env.PARAPHE_LMTP_PORT,
      smtpPort: env.PARAPHE_SMTP_PORT,
      relayUrl: env.PARAPHE_RELAY_URL,
      allowedClients: env.PARAPHE_MAIL_ALLOWED_CLIENTS,
      maxBytes: env.PARAPHE_MAIL_MAX_BYTES,
      hostname: env.PARAPHE_MAIL_HOSTNAME,
      signMarker: env.PARAPHE_SIGN_MARKER,
      sendClaimSeconds: env.PARAPHE_MAIL_SEND_CLAIM_SECONDS,
      outboxKeepDays: env.PARAPHE_MAIL_OUTBOX_KEEP_DAYS,
    },
    db: {
      url: env.DATABASE_URL,
      pglitePath: path.join(dataDir, 'pglite'),
      poolSize: env.PARAPHE_DB_POOL_SIZE,
    },
    blobs: {
      dir: path.join(dataDir, 'blobs'),
      store: env.PARAPHE_BLOB_STORE,
      hasFsFallback: env.PARAPHE_BLOBS_FS_FALLBACK,
      s3: {
        bucket: env.PARAPHE_S3_BUCKET ?? '',
        // One trailing slash, none leading: keys read `prefix/ab/cd/<sha256>` whatever was typed.
        prefix: env.PARAPHE_S3_PREFIX.replace(/^\/+|\/+$/g, '').replace(/.+/, '$&/'),
        endpoint: env.PARAPHE_S3_ENDPOINT,
        region: env.PARAPHE_S3_REGION,
        forcePathStyle: env.PARAPHE_S3_FORCE_PATH_STYLE,
        accessKeyId: env.PARAPHE_S3_ACCESS_KEY_ID,
        secretAccessKey: env.PARAPHE_S3_SECRET_ACCESS_KEY,
        sse: env.PARAPHE_S3_SSE,
        sseKmsKeyId: env.PARAPHE_S3_SSE_KMS_KEY_ID,
        partSizeBytes: env.PARAPHE_S3_PART_SIZE_MB * 1024 * 1024,
        spoolDir: path.join(dataDir, 's3-spool'),
      },
    },
    jobs: {
      concurrency: env.PARAPHE_JOBS_CONCURRENCY,
      leaseSeconds: env.PARAPHE_JOBS_LEASE_SECONDS,
      pollMs: env.PARAPHE_JOBS_POLL_MS,
      stopGraceSeconds: env.PARAPHE_JOBS_STOP_GRACE_SECONDS,
    },
    demoMailbox: env.PARAPHE_DEMO_MAILBOX,
    envelopes: {
      marker: env.PARAPHE_SIGN_MARKER,
      maxSigners: env.PARAPHE_MAX_SIGNERS,
      maxAttachmentBytes: env.PARAPHE_MAX_ATTACHMENT_BYTES,
      expiryDays: env.PARAPHE_ENVELOPE_EXPIRY_DAYS,
      publicUrl,
      notifyFrom: env.PARAPHE_NOTIFY_FROM ?? `Paraphe <noreply@${mailDomainOf(publicUrl)}>`,
      maxReplyBytes: env.PARAPHE_MAIL_MAX_BYTES,
    },
    sms: {
      provider: env.PARAPHE_SMS_PROVIDER,
      senderId: env.PARAPHE_SMS_SENDER_ID,
      operatorName: env.PARAPHE_SMS_OPERATOR_NAME,
      otpSecret: env.PARAPHE_OTP_SECRET ?? null,
      sendMaxAttempts: env.PARAPHE_SMS_SEND_MAX_ATTEMPTS,
      sendLeaseSeconds: env.PARAPHE_SMS_SEND_LEASE_SECONDS,
      retryDelaySeconds: env.PARAPHE_SMS_RETRY_DELAY_SECONDS,
      httpTimeoutMs: env.PARAPHE_SMS_HTTP_TIMEOUT_MS,
      limits: {
        ttlSeconds: env.PARAPHE_OTP_TTL_SECONDS,
        maxAttempts: env.PARAPHE_OTP_MAX_ATTEMPTS,
        resendSeconds: env.PARAPHE_OTP_RESEND_SECONDS,
        maxPerSignerPerHour: env.PARAPHE_SMS_MAX_PER_SIGNER_HOUR,
        maxPerEnvelopePerDay: env.PARAPHE_SMS_MAX_PER_ENVELOPE_DAY,
        maxPerAccountPerHour: env.PARAPHE_SMS_MAX_PER_ACCOUNT_HOUR,
        maxPerAccountPerDay: env.PARAPHE_SMS_MAX_PER_ACCOUNT_DAY,
        maxGlobalPerHour: env.PARAPHE_SMS_MAX_GLOBAL_HOUR,
        maxGlobalPerDay: env.PARAPHE_SMS_MAX_GLOBAL_DAY,
      },
      twilio: {
        accountSid: env.PARAPHE_TWILIO_ACCOUNT_SID,
        authToken: env.PARAPHE_TWILIO_AUTH_TOKEN,
        messagingServiceSid: env.PARAPHE_TWILIO_MESSAGING_SERVICE_SID,
        baseUrl: env.PARAPHE_TWILIO_BASE_URL,
        // Twilio signs receipts with the URL it was given: the public one, never a proxy's view.
        statusCallbackUrl: env.PARAPHE_TWILIO_STATUS_CALLBACK ? `${publicUrl}/webhooks/sms/twilio` : null,
      },
      ovh: {
        endpoint: env.PARAPHE_OVH_ENDPOINT,
        applicationKey: env.PARAPHE_OVH_APPLICATION_KEY,
        applicationSecret: env.PARAPHE_OVH_APPLICATION_SECRET,
        consumerKey: env.PARAPHE_OVH_CONSUMER_KEY,
        serviceName: env.PARAPHE_OVH_SMS_SERVICE_NAME,
      },
    },
    seal: {
      p12: env.PARAPHE_SEAL_P12
        ? {
            path: path.resolve(cwd, env.PARAPHE_SEAL_P12),
            passphrase: env.PARAPHE_SEAL_P12_PASSPHRASE,
            passphraseFile:
              env.PARAPHE_SEAL_P12_PASSPHRASE_FILE && path.resolve(cwd, env.PARAPHE_SEAL_P12_PASSPHRASE_FILE),
          }
        : undefined,
      chainPath: env.PARAPHE_SEAL_CHAIN && path.resolve(cwd, env.PARAPHE_SEAL_CHAIN),
      pkcs11: env.PARAPHE_SEAL_PKCS11_MODULE
        ? {
            module: env.PARAPHE_SEAL_PKCS11_MODULE,
            slot: env.PARAPHE_SEAL_PKCS11_SLOT,
            tokenLabel: env.PARAPHE_SEAL_PKCS11_TOKEN_LABEL,
            pin: env.PARAPHE_SEAL_PKCS11_PIN,
            pinFile: env.PARAPHE_SEAL_PKCS11_PIN_FILE && path.resolve(cwd, env.PARAPHE_SEAL_PKCS11_PIN_FILE),
            keyLabel: env.PARAPHE_SEAL_PKCS11_KEY_LABEL,
            certificatePath: env.PARAPHE_SEAL_PKCS11_CERT && path.resolve(cwd, env.PARAPHE_SEAL_PKCS11_CERT),
          }
        : undefined,
      tsaUrls: env.PARAPHE_TSA_URLS ?? [],
      reason: env.PARAPHE_SEAL_REASON,
      location: env.PARAPHE_SEAL_LOCATION,
      contactInfo: env.PARAPHE_SEAL_CONTACT_INFO,
      docMdpLevel: env.PARAPHE_SEAL_DOCMDP,
      evidenceLocales: (env.PARAPHE_SEAL_EVIDENCE_LOCALE === 'fr+en'
        ? ['fr', 'en']
        : [env.PARAPHE_SEAL_EVIDENCE_LOCALE]) as ('fr' | 'en')[],
      ltvRenewMarginDays: env.PARAPHE_LTV_RENEW_MARGIN_DAYS,
      level: (env.PARAPHE_SEAL_LEVEL ?? defaultSealLevel(env)) as SealLevel,
      verifyTrustPaths: (env.PARAPHE_VERIFY_TRUST ?? []).map((file) => path.resolve(cwd, file)),
    },
    signing: {
      publicUrl,
      codeFreshSeconds: env.PARAPHE_SIGNING_CODE_FRESH_SECONDS,
      reminderAfterDays: env.PARAPHE_REMINDER_AFTER_DAYS,
      reminderEveryDays: env.PARAPHE_REMINDER_EVERY_DAYS,
      reminderMax: env.PARAPHE_REMINDER_MAX,
      sealedAttachMaxBytes: env.PARAPHE_SEALED_ATTACH_MAX_BYTES,
      ratePerIpPerMinute: env.PARAPHE_SIGNING_RATE_PER_IP_MINUTE,
      ratePerTokenPerMinute: env.PARAPHE_SIGNING_RATE_PER_TOKEN_MINUTE,
      sealStuckMinutes: env.PARAPHE_SEAL_STUCK_MINUTES,
      sweepSeconds: env.PARAPHE_SIGNING_SWEEP_SECONDS,
      notifyFrom: env.PARAPHE_NOTIFY_FROM ?? `Paraphe <noreply@${mailDomainOf(publicUrl)}>`,
    },
    billing: {
      priceCents: env.PARAPHE_SIGNATURE_PRICE_CENTS,
      freeThreshold: env.PARAPHE_FREE_THRESHOLD,
      windowDays: env.PARAPHE_FREE_WINDOW_DAYS,
      vatRateBasisPoints: Math.round(env.PARAPHE_VAT_RATE_PERCENT * 100),
      // The customer's account page, where a top-up is made.
      topUpUrl: `${publicUrl}/account`,
    },
  };
}

export type Config = ReturnType<typeof shapeConfig>;
