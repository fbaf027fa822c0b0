import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log record: secrets never reach the logs. */
export const redactedPaths = [
  'password',
  'passphrase',
  'token',
  'code',
  'secret',
  'authorization',
  'cookie',
  '*.password',
  '*.passphrase',
  '*.token',
  '*.code',
  '*.secret',
  '*.apiKey',
  '*.authToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'config.databaseUrl',
  'config.relayUrl',
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
