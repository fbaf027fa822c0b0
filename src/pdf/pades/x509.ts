import {
  child,
  children,
  contentOf,
  type DerNode,
  decodeInteger,
  decodeOid,
  decodeString,
  decodeTime,
  parseDer,
  rawOf,
  readTlv,
  TAG,
} from './der.js';
import { OID } from './oids.js';

/** The parts of an X.509 certificate the seal and the verifier need, as raw DER where it matters. */
export interface ParsedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  /** Raw DER of the issuer Name. */
  issuer: Uint8Array;
  subject: Uint8Array;
  /** Raw DER of the serialNumber INTEGER (tag included). */
  serialDer: Uint8Array;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
  signatureAlgorithm: string;
  signature: Uint8Array;
  spki: Uint8Array;
  extensions: Map<string, { isCritical: boolean; value: Uint8Array }>;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const cert = parseDer(der);
  const [tbs, sigAlg, sigValue] = children(cert);
  if (!tbs || !sigAlg || !sigValue) throw new Error('not an X.509 certificate');
  const fields = children(tbs);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i = 1; // version
  const take = (): DerNode => {
    const f = fields[i++];
    if (!f) throw new Error('truncated X.509 certificate');
    return f;
  };
  const serial = take();
  take(); // signature algorithm (repeated)
  const issuer = take();
  const validity = take();
  const subject = take();
  const spki = take();
  const extensions = new Map<string, { isCritical: boolean; value: Uint8Array }>();
  for (const f of fields.slice(i)) {
    if (f.tag !== 0xa3) continue;
    for (const ext of children(child(f, 0))) {
      const parts = children(ext);
      const oid = decodeOid(parts[0] as DerNode);
      const isCritical = parts.length === 3 && contentOf(parts[1] as DerNode)[0] !== 0;
      extensions.set(oid, { isCritical, value: contentOf(parts[parts.length - 1] as DerNode) });
    }
  }
  return {
    der,
    tbs: rawOf(tbs),
    issuer: rawOf(issuer),
    subject: rawOf(subject),
    serialDer: rawOf(serial),
    serial: decodeInteger(serial),
    notBefore: decodeTime(child(validity, 0)),
    notAfter: decodeTime(child(validity, 1)),
    signatureAlgorithm: decodeOid(child(sigAlg, 0)),
    signature: contentOf(sigValue).subarray(1),
    spki: rawOf(spki),
    extensions,
  };
}

const shortNames: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.countryName]: 'C',
  [OID.organizationName]: 'O',
  '2.5.4.11': 'OU',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '2.5.4.5': 'serialNumber',
};

/** A Name as `CN=…, O=…, C=…` (most specific first), for reports. */
export function formatName(name: Uint8Array): string {
  const parts: string[] = [];
  for (const rdn of children(readTlv(name))) {
    for (const atv of children(rdn)) {
      const oid = decodeOid(child(atv, 0));
      parts.push(`${shortNames[oid] ?? oid}=${decodeString(child(atv, 1))}`);
    }
  }
  return parts.reverse().join(', ');
}

/** Extended key usages of a certificate (empty when the extension is absent). */
export function extendedKeyUsages(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.get(OID.extKeyUsage);
  if (!ext) return [];
  return children(parseDer(ext.value)).map(decodeOid);
}

/** True when the certificate says it is a CA (basicConstraints cA = TRUE). */
export function isCa(cert: ParsedCertificate): boolean {
  const ext = cert.extensions.get(OID.basicConstraints);
  if (!ext) return false;
  const first = children(parseDer(ext.value))[0];
  return first?.tag === TAG.BOOLEAN && contentOf(first)[0] !== 0;
}

/** URIs in the CRL distribution points extension. */
export function crlDistributionUris(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.get(OID.crlDistributionPoints);
  if (!ext) return [];
  const uris: string[] = [];
  const walk = (node: DerNode) => {
    if (node.tag === 0x86) uris.push(decodeString(node));
    else if (node.isConstructed) for (const c of children(node)) walk(c);
  };
  walk(parseDer(ext.value));
  return uris;
}

function accessUris(cert: ParsedCertificate, method: string): string[] {
  const ext = cert.extensions.get(OID.authorityInfoAccess);
  if (!ext) return [];
  const uris: string[] = [];
  for (const ad of children(parseDer(ext.value))) {
    const [oid, location] = children(ad);
    if (oid && location && decodeOid(oid) === method && location.tag === 0x86)
      uris.push(decodeString(location));
  }
  return uris;
}

/** OCSP responder URIs from the authority information access extension. */
export function ocspUris(cert: ParsedCertificate): string[] {
  return accessUris(cert, OID.ocspAccess);
}

/** Where the issuer's certificate can be downloaded (authority information access, caIssuers). */
export function caIssuerUris(cert: ParsedCertificate): string[] {
  return accessUris(cert, OID.caIssuersAccess);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.length),
      Buffer.from(b.buffer, b.byteOffset, b.length),
    ) === 0
  );
}
