import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors.js';
import { PRIVATE_DIR_MODE } from '../shared/file-modes.js';

/** Six digits from the operating system's CSPRNG, leading zeros kept. */
export function randomOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The only form in which a code reaches the database: HMAC-SHA256 under the server secret, bound to
 * its challenge. A leaked table cannot be brute-forced offline (10^6 codes) without the secret.
 */
export function hashOtpCode(secret: string, challengeId: string, code: string): string {
  return createHmac('sha256', secret).update(`otp:${challengeId}:${code}`, 'utf8').digest('hex');
}

/** Compares a typed code with the stored hash in constant time. */
export function otpCodeMatches(options: {
  secret: string;
  challengeId: string;
  code: string;
  storedHash: string;
}): boolean {
  const expected = Buffer.from(options.storedHash, 'hex');
  const actual = Buffer.from(hashOtpCode(options.secret, options.challengeId, options.code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function outboxKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('paraphe sms outbox key v1', 'utf8').digest();
}

/**
 * Encrypts a message body (it holds the code) while it waits to be sent, so a retry after an
 * outage can send it again without the code ever being readable in the database.
 */
export function sealSmsBody(secret: string, body: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', outboxKey(secret), iv);
  const encrypted = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), encrypted].map((b) => b.toString('base64url')).join('.');
}

/** Reverses `sealSmsBody`; throws when the secret changed or the text was tampered with. */
export function openSmsBody(secret: string, sealed: string): string {
  const [iv, tag, encrypted] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !encrypted) throw new Error('sealed SMS body is malformed');
  const decipher = createDecipheriv('aes-256-gcm', outboxKey(secret), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8');
}

export const OTP_SECRET_FILE = 'otp-secret';
export const OTP_SECRET_MIN_LENGTH = 32;

/**
 * The embedded stack's OTP secret: read from `<dataDir>/otp-secret`, created (256 random bits,
 * mode 0600) on first use. Creation is exclusive, so two processes starting together agree on one.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, OTP_SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < OTP_SECRET_MIN_LENGTH) {
    throw new AppError('CONFIG_INVALID', `${file} holds fewer than ${OTP_SECRET_MIN_LENGTH} characters`);
  }
  return secret;
}

/**
 * The secret the program uses: the configured one, else (embedded stack only) the generated file.
 * Several machines on one Postgres must share a configured secret, or codes sent by one machine
 * would not check on another: so a server database without one is a configuration error.
 */
export function resolveOtpSecret(options: {
  configured: string | null | undefined;
  dataDir: string;
  isEmbedded: boolean;
}): string {
  if (options.configured) return options.configured;
  if (!options.isEmbedded) {
    throw new AppError(
      'CONFIG_INVALID',
      'PARAPHE_OTP_SECRET is required with DATABASE_URL (every machine must share it)',
    );
  }
  return loadOrCreateSecret(options.dataDir);
}
