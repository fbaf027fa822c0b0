import path from 'node:path';
import { z } from 'zod';
import { envBoolean, envList, envPort, envPositiveInt } from './env.js';

/**
 * Every environment variable Paraphe reads, with its default. Defaults describe the embedded
 * stack (PGlite, local blobs, dev mailbox), so `paraphe start` works with no setting at all.
 * docs/configuration.md documents each one; keep them in step.
 */
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
  // envelopes
  PARAPHE_SIGN_MARKER: z.string().trim().min(2).max(40).default('*SIGN'),
  PARAPHE_MAX_SIGNERS: envPositiveInt.max(200).default(20),
  PARAPHE_MAX_ATTACHMENT_BYTES: envPositiveInt.default(20 * 1024 * 1024),
  PARAPHE_ENVELOPE_EXPIRY_DAYS: envPositiveInt.max(3650).default(30),
  PARAPHE_NOTIFY_FROM: z.string().min(3).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export const roleNames = ['mail', 'web', 'worker'] as const;
export type Role = (typeof roleNames)[number];

/** A domain for default From addresses: the public host when it is a name, else `localhost`. */
function mailDomainOf(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(host) ? host : 'localhost';
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
    },
    db: {
      url: env.DATABASE_URL,
      pglitePath: path.join(dataDir, 'pglite'),
      poolSize: env.PARAPHE_DB_POOL_SIZE,
    },
    blobs: { dir: path.join(dataDir, 'blobs') },
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
    },
  };
}

export type Config = ReturnType<typeof shapeConfig>;
