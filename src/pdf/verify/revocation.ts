import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import {
  child,
  children,
  contentOf,
  type DerNode,
  decodeInteger,
  decodeOid,
  decodeTime,
  parseDer,
  rawOf,
  readTlv,
  TAG,
} from '../pades/der.js';
import { hashBySignatureAlgorithm, OID } from '../pades/oids.js';
import { bytesEqual, extendedKeyUsages, type ParsedCertificate, parseCertificate } from '../pades/x509.js';
import { isIssuedBy } from './trust.js';

export type RevocationStatus =
  | { status: 'good'; source: string }
  | { status: 'revoked'; source: string; revokedAt: Date }
  | { status: 'unknown'; reason: string };

function verifySigned(
  tbs: Uint8Array,
  sigAlg: DerNode,
  signature: Uint8Array,
  signer: ParsedCertificate,
): boolean {
  const hash = hashBySignatureAlgorithm[decodeOid(child(sigAlg, 0))];
  if (!hash) return false;
  try {
    return cryptoVerify(hash, tbs, new X509Certificate(signer.der).publicKey, signature);
  } catch {
    return false;
  }
}

/** Checks `cert` against a DER CRL signed by `issuer`; undefined when the CRL is not the issuer's or does not verify. */
export function checkCrl(
  crl: Uint8Array,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
): RevocationStatus | undefined {
  try {
    const list = parseDer(crl);
    const [tbs, sigAlg, sig] = children(list);
    if (!tbs || !sigAlg || !sig) return undefined;
    const fields = children(tbs);
    let i = fields[0]?.tag === TAG.INTEGER ? 1 : 0;
    i++; // signature algorithm
    const crlIssuer = fields[i++];
    if (!crlIssuer || !bytesEqual(rawOf(crlIssuer), cert.issuer) || !bytesEqual(cert.issuer, issuer.subject))
      return undefined;
    if (!verifySigned(rawOf(tbs), sigAlg, contentOf(sig).subarray(1), issuer)) return undefined;
    i++; // thisUpdate
    if (fields[i]?.tag === TAG.UTC_TIME || fields[i]?.tag === TAG.GENERALIZED_TIME) i++;
    const revoked = fields[i]?.tag === TAG.SEQUENCE ? children(fields[i] as DerNode) : [];
    for (const entry of revoked) {
      if (bytesEqual(rawOf(child(entry, 0)), cert.serialDer))
        return { status: 'revoked', source: 'CRL', revokedAt: decodeTime(child(entry, 1)) };
    }
    return { status: 'good', source: 'CRL' };
  } catch {
    return undefined;
  }
}

function subjectPublicKeyBits(cert: ParsedCertificate): Uint8Array {
  return contentOf(child(readTlv(cert.spki), 1)).subarray(1);
}

/** Checks `cert` against a DER OCSPResponse; the response must be signed by the issuer or its delegated responder. */
export function checkOcsp(
  response: Uint8Array,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
): RevocationStatus | undefined {
  try {
    const resp = parseDer(response);
    if (Number(decodeInteger({ ...child(resp, 0), tag: TAG.INTEGER })) !== 0) return undefined;
    const bytes = child(child(resp, 1), 0);
    if (decodeOid(child(bytes, 0)) !== OID.ocspBasic) return undefined;
    const basic = parseDer(contentOf(child(bytes, 1)));
    const [tbs, sigAlg, sig, certsNode] = children(basic);
    if (!tbs || !sigAlg || !sig) return undefined;
    const embedded = certsNode
      ? children(child(certsNode, 0)).map((c) => parseCertificate(new Uint8Array(rawOf(c))))
      : [];
    const responder = [issuer, ...embedded].find(
      (c) =>
        verifySigned(rawOf(tbs), sigAlg, contentOf(sig).subarray(1), c) &&
        (bytesEqual(c.der, issuer.der) ||
          (isIssuedBy(c, issuer) && extendedKeyUsages(c).includes(OID.ekuOcspSigning))),
    );
    if (!responder) return undefined;
    const fields = children(tbs);
    const responses = fields.find(
      (f, idx) => f.tag === TAG.SEQUENCE && idx > 0 && children(f).every((r) => r.tag === TAG.SEQUENCE),
    );
    for (const single of responses ? children(responses) : []) {
      const certId = child(single, 0);
      const hash = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256' }[decodeOid(child(child(certId, 0), 0))];
      if (!hash) continue;
      const nameHash = createHash(hash).update(cert.issuer).digest();
      const keyHash = createHash(hash).update(subjectPublicKeyBits(issuer)).digest();
      if (
        !bytesEqual(contentOf(child(certId, 1)), nameHash) ||
        !bytesEqual(contentOf(child(certId, 2)), keyHash) ||
        !bytesEqual(rawOf(child(certId, 3)), cert.serialDer)
      )
        continue;
      const status = child(single, 1);
      if (status.tag === 0x80) return { status: 'good', source: 'OCSP' };
      if (status.tag === 0xa1)
        return { status: 'revoked', source: 'OCSP', revokedAt: decodeTime(child(status, 0)) };
      return { status: 'unknown', reason: 'OCSP responder does not know the certificate' };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
