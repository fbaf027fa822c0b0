import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Key names that hold secrets, wherever they sit in a log record (up to three levels deep). */
const secretKeys = [
  'password',
  'passphrase',
  'pin',
  'token',
  'secret',
  'otpSecret',
  'apiKey',
  'authToken',
  'applicationSecret',
  'consumerKey',
  'privateKey',
  'authorization',
  'cookie',
  'secretAccessKey',
];

/**
 * Paths pino blanks out: secrets never reach the logs. Error codes (`code`) stay readable: they are
 * what an operator searches for; one-time codes are never put in a log record in the first place.
 */
export const redactedPaths = [
  ...secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  // Connection URLs may carry credentials.
  'config.db.url',
  'config.mail.relayUrl',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'paraphe' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
