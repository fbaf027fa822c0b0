import { X509Certificate } from 'node:crypto';
import { contentOf, parseDer, TAG } from '../pades/der.js';
import { OID } from '../pades/oids.js';
import {
  bytesEqual,
  extendedKeyUsages,
  formatName,
  isCa,
  type ParsedCertificate,
  parseCertificate,
} from '../pades/x509.js';

export interface ChainResult {
  /** Signer first, then issuers up to and including the trust root when one was reached. */
  path: ParsedCertificate[];
  isTrusted: boolean;
  problems: string[];
}

/** True when `issuer` signed `subject` (names match and the signature verifies). */
export function isIssuedBy(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!bytesEqual(subject.issuer, issuer.subject)) return false;
  try {
    return new X509Certificate(subject.der).verify(new X509Certificate(issuer.der).publicKey);
  } catch {
    return false;
  }
}

/**
 * Builds a path from `leaf` to one of `trustRoots` through `pool`, checking signatures, validity
 * at `at` and that every issuer is a CA. Issuers are found by name and signature, never by serial.
 */
export function buildChain(o: {
  leaf: Uint8Array;
  pool: readonly Uint8Array[];
  trustRoots: readonly Uint8Array[];
  at: Date;
}): ChainResult {
  const problems: string[] = [];
  const roots = o.trustRoots.map(parseCertificate);
  const pool = o.pool.map(parseCertificate);
  const path = [parseCertificate(o.leaf)];
  let isTrusted = false;
  for (let depth = 0; depth < 10; depth++) {
    const current = path[path.length - 1] as ParsedCertificate;
    if (roots.some((r) => bytesEqual(r.der, current.der))) {
      isTrusted = true;
      break;
    }
    const root = roots.find((r) => isIssuedBy(current, r));
    if (root) {
      path.push(root);
      isTrusted = true;
      break;
    }
    const next = pool.find((c) => !path.some((p) => bytesEqual(p.der, c.der)) && isIssuedBy(current, c));
    if (!next) break;
    path.push(next);
  }
  if (!isTrusted)
    problems.push(
      `no path to a trusted root (last certificate: ${formatName(path[path.length - 1]?.subject ?? new Uint8Array([0x30, 0]))})`,
    );
  for (const [i, cert] of path.entries()) {
    if (o.at < cert.notBefore || o.at > cert.notAfter)
      problems.push(
        `certificate "${formatName(cert.subject)}" is not valid at ${o.at.toISOString()} (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
      );
    if (i > 0 && !isCa(cert)) problems.push(`issuer "${formatName(cert.subject)}" is not a CA certificate`);
  }
  return { path, isTrusted, problems };
}

/** Key usage bits of a certificate (bit 0 = digitalSignature, 1 = nonRepudiation …), or undefined when absent. */
export function keyUsageBits(cert: ParsedCertificate): Set<number> | undefined {
  const ext = cert.extensions.get(OID.keyUsage);
  if (!ext) return undefined;
  const node = parseDer(ext.value);
  if (node.tag !== TAG.BIT_STRING) return undefined;
  const bytes = contentOf(node).subarray(1);
  const bits = new Set<number>();
  for (let i = 0; i < bytes.length * 8; i++) if (((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1) bits.add(i);
  return bits;
}

const ekuNames: Record<string, string> = {
  [OID.ekuEmailProtection]: 'emailProtection',
  [OID.ekuDocumentSigning]: 'documentSigning',
  [OID.ekuAdobeAuthenticDocuments]: 'Adobe authenticDocuments',
  [OID.ekuTimeStamping]: 'timeStamping',
  [OID.ekuAny]: 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
};

export function describeEku(oids: readonly string[]): string {
  return oids.map((o) => ekuNames[o] ?? o).join(', ');
}

/**
 * The usages a document signer certificate must allow. Policy: key usage (if present) includes
 * digitalSignature or nonRepudiation; extended key usage (if present) includes emailProtection or
 * anyExtendedKeyUsage — documentSigning alone (RFC 9336) is refused because NSS-based validators
 * (Firefox, Evince, poppler's pdfsig) reject it, so such a seal would not verify for many readers.
 */
export function signerUsageProblems(cert: ParsedCertificate): string[] {
  const problems: string[] = [];
  const ku = keyUsageBits(cert);
  if (ku && !ku.has(0) && !ku.has(1))
    problems.push('the signer certificate key usage allows neither digitalSignature nor nonRepudiation');
  const eku = extendedKeyUsages(cert);
  if (eku.length > 0 && !eku.includes(OID.ekuEmailProtection) && !eku.includes(OID.ekuAny)) {
    problems.push(
      `the signer certificate extended key usage (${describeEku(eku)}) lacks emailProtection: NSS/poppler validators reject it as a document signer${eku.includes(OID.ekuDocumentSigning) ? ' (documentSigning alone is valid under RFC 9336, but not accepted everywhere)' : ''}`,
    );
  }
  return problems;
}
