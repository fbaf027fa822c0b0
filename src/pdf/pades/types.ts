/**
 * Ports between the PDF engine and whoever holds the key. pdf/ knows nothing of files, HSMs or
 * configuration: keys/ implements these interfaces (PKCS#12, PKCS#11, the dev key, the TSA client).
 */

/** A key able to sign for the seal, with its certificate and the issuers up to (not necessarily including) a root. */
export interface SealKey {
  /** The signer certificate, DER. */
  certificate: Uint8Array;
  /** Issuer certificates, DER, nearest issuer first. */
  chain: Uint8Array[];
  algorithm: 'rsa-sha256' | 'ecdsa-sha256';
  /**
   * Signs `data` (hashing it with SHA-256 itself). RSA: PKCS#1 v1.5 signature; ECDSA: the DER
   * `Ecdsa-Sig-Value` (SEQUENCE of r and s), as CMS carries it.
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** True for the generated development key: every seal must say "TEST — not trusted". */
  isTestKey: boolean;
}

/** An RFC 3161 time-stamping authority (or several behind failover). */
export interface TimestampClient {
  /** Returns a DER TimeStampToken (a CMS ContentInfo) over the SHA-256 imprint; throws when no authority answered. */
  timestamp(imprintSha256: Uint8Array): Promise<Uint8Array>;
}

/**
 * PAdES baseline levels (ETSI EN 319 142-1): B-B a CAdES signature; B-T with a signature
 * timestamp; B-LT then a DSS with the validation data; B-LTA then a document timestamp.
 */
export type SealLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
