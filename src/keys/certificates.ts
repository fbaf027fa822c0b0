import { X509Certificate } from 'node:crypto';
import { bytesEqual, parseCertificate } from '../pdf/pades/index.js';

/** Every certificate in a PEM text, as DER. */
export function readPemCertificates(pem: string): Uint8Array[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new Uint8Array(new X509Certificate(block).raw),
  );
}

/** PEM encoding of a DER certificate. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/**
 * The issuers of `signer` found in `pool`, nearest first, each checked by name and signature (two
 * certificates may share a serial number under different issuers, so the name alone decides nothing).
 */
export function orderChain(signer: Uint8Array, pool: readonly Uint8Array[]): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let current = signer;
  for (let depth = 0; depth < 10; depth++) {
    const cur = parseCertificate(current);
    if (
      bytesEqual(cur.issuer, cur.subject) &&
      new X509Certificate(current).verify(new X509Certificate(current).publicKey)
    )
      break;
    const issuer = pool.find((candidate) => {
      if (bytesEqual(candidate, current) || chain.some((c) => bytesEqual(c, candidate))) return false;
      if (!bytesEqual(parseCertificate(candidate).subject, cur.issuer)) return false;
      return new X509Certificate(current).verify(new X509Certificate(candidate).publicKey);
    });
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}
