import { z } from 'zod';

/** Helpers for reading environment strings: every variable arrives as a string or not at all. */
export const envBoolean = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

export const envPort = z.coerce.number().int().min(0).max(65535);

export const envPositiveInt = z.coerce.number().int().positive();

export const envUrl = z.string().url();

/** Comma-separated list, blanks dropped. */
export const envList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);
