import type { VerificationDeps } from './deps.js';
import { type EnvelopeMatch, findDocumentsByHash } from './find-documents-by-hash.js';

/**
 * What a SHA-256 alone tells a stranger: whether the file is one of ours, and the envelope's date,
 * status and masked signers — never its subject nor a name in clear.
 */
export async function lookUpHash(
  deps: VerificationDeps,
  input: { sha256: string },
): Promise<EnvelopeMatch[]> {
  return findDocumentsByHash(deps.db, { sha256: input.sha256.toLowerCase(), hasFile: false });
}
