import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors.js';

/** A blob's id is the lowercase hex SHA-256 of its bytes; anything else names no blob. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a blob lives under a store's root or prefix: `ab/cd/<sha256>`, the same in every store. */
export function blobKey(sha: string): string {
  return `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
}

/** The bytes read for `sha`, refused (BLOB_CORRUPT) unless they still hash to it. */
export function checkedBlob<T extends Uint8Array>(sha: string, bytes: T): T {
  const actual = sha256Hex(bytes);
  if (actual !== sha) throw new AppError('BLOB_CORRUPT', `blob ${sha} hashes to ${actual}`);
  return bytes;
}
