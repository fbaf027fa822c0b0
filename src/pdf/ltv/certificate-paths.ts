import { X509Certificate } from 'node:crypto';
import { findSignerCertificate, parseSignedData } from '../pades/cms-parse.js';
import { rawOf } from '../pades/der.js';
import { OID } from '../pades/oids.js';
import { bytesEqual, parseCertificate } from '../pades/x509.js';

/** The issuer of `cert` in `pool`, checked by name and by signature (names alone can repeat). */
function issuerOf(cert: Uint8Array, pool: readonly Uint8Array[]): Uint8Array | undefined {
  const parsed = parseCertificate(cert);
  if (bytesEqual(parsed.issuer, parsed.subject)) return undefined;
  const x509 = new X509Certificate(cert);
  return pool.find(
    (candidate) =>
      !bytesEqual(candidate, cert) &&
      bytesEqual(parseCertificate(candidate).subject, parsed.issuer) &&
      x509.verify(new X509Certificate(candidate).publicKey),
  );
}

function pathFrom(signer: Uint8Array, pool: readonly Uint8Array[]): Uint8Array[] {
  const path = [signer];
  for (let current = signer; path.length < 10; ) {
    const issuer = issuerOf(current, pool);
    if (!issuer || path.some((c) => bytesEqual(c, issuer))) break;
    path.push(issuer);
    current = issuer;
  }
  return path;
}

/**
 * Certificate paths (signer first, as far up as the certificates at hand reach) of a CMS
 * signature and of every timestamp token inside it: the signer's, each signature timestamp's TSA,
 * or for a document timestamp (itself a token) its TSA. `extra` adds issuers the CMS leaves out.
 */
export function certificatePathsOf(cms: Uint8Array, extra: readonly Uint8Array[] = []): Uint8Array[][] {
  const paths: Uint8Array[][] = [];
  const walk = (contentInfo: Uint8Array, outerPool: readonly Uint8Array[], depth: number) => {
    const sd = parseSignedData(contentInfo);
    const pool = [...sd.certificates, ...outerPool];
    for (const signerInfo of sd.signerInfos) {
      const signer = findSignerCertificate(signerInfo, sd.certificates);
      if (signer) paths.push(pathFrom(signer, pool));
      if (depth > 0) continue;
      for (const token of signerInfo.unsignedAttrs.get(OID.signatureTimeStampToken) ?? [])
        walk(rawOf(token), pool, depth + 1);
    }
  };
  walk(cms, extra, 0);
  return paths;
}
