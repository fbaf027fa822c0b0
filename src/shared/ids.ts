import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Identifiers and secrets are injected so tests can replay them. */
export interface Ids {
  /** Row identifier (UUID v4). */
  uuid(): string;
  /** An unguessable URL-safe secret: 32 random bytes (256 bits), base64url. */
  token(): string;
}

export const randomIds: Ids = {
  uuid: () => randomUUID(),
  token: () => randomBytes(32).toString('base64url'),
};

/** Deterministic ids for tests: `prefix-0001`-shaped UUIDs and tokens. */
export function sequenceIds(seed = 0): Ids {
  let n = seed;
  const next = () => (++n).toString(16).padStart(12, '0');
  return {
    uuid: () => `00000000-0000-4000-8000-${next()}`,
    token: () => `test-token-${next()}`,
  };
}

/** Secrets (link tokens, codes) are stored only as this hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
