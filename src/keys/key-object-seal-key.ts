import { createPublicKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import type { SealKey } from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';
import { orderChain } from './certificates.js';

export interface KeyObjectSealKeyOptions {
  privateKey: KeyObject;
  /** Candidate certificates (DER): the one matching the key becomes the signer, the others form its chain. */
  certificates: readonly Uint8Array[];
  /** More issuer certificates (e.g. PARAPHE_SEAL_CHAIN). */
  extraChain?: readonly Uint8Array[];
  isTestKey: boolean;
}

/** A SealKey over a private key held in process memory (PKCS#12 file or the dev key). */
export function keyObjectSealKey(o: KeyObjectSealKeyOptions): SealKey {
  const type = o.privateKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec')
    throw new AppError(
      'SEAL_KEY_INVALID',
      `seal key type ${type ?? 'unknown'} is not supported (RSA or ECDSA only)`,
    );
  const publicDer = createPublicKey(o.privateKey).export({ type: 'spki', format: 'der' });
  const certificate = o.certificates.find((der) =>
    new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer),
  );
  if (!certificate) throw new AppError('SEAL_KEY_INVALID', 'no certificate matches the seal private key');
  const pool = [...o.certificates, ...(o.extraChain ?? [])];
  const privateKey = o.privateKey;
  return {
    certificate,
    chain: orderChain(certificate, pool),
    algorithm: type === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
    isTestKey: o.isTestKey,
    sign: async (data) => new Uint8Array(sign('sha256', data, privateKey)),
  };
}
