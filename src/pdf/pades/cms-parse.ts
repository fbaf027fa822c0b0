import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import {
  child,
  children,
  contentOf,
  type DerNode,
  decodeOid,
  octetStringValue,
  parseDer,
  rawOf,
  readTlv,
  TAG,
  tlv,
} from './der.js';
import { hashByOid, hashBySignatureAlgorithm, OID } from './oids.js';
import { bytesEqual, parseCertificate } from './x509.js';

export interface ParsedSignerInfo {
  /** IssuerAndSerialNumber (raw issuer Name + raw serial INTEGER) or a subject key identifier. */
  sid: { issuer: Uint8Array; serialDer: Uint8Array } | { subjectKeyIdentifier: Uint8Array };
  digestAlgorithm: string;
  /** Signed attributes re-encoded as the SET OF that was signed, or undefined when absent. */
  signedAttrsDer?: Uint8Array;
  signedAttrs: Map<string, DerNode[]>;
  signatureAlgorithm: string;
  signature: Uint8Array;
  unsignedAttrs: Map<string, DerNode[]>;
}

export interface ParsedSignedData {
  eContentType: string;
  eContent?: Uint8Array;
  certificates: Uint8Array[];
  signerInfos: ParsedSignerInfo[];
}

function readAttributes(node: DerNode): Map<string, DerNode[]> {
  const map = new Map<string, DerNode[]>();
  for (const attr of children(node)) map.set(decodeOid(child(attr, 0)), children(child(attr, 1)));
  return map;
}

/** Reads a CMS ContentInfo holding SignedData (signatures, timestamp tokens). Throws on anything else. */
export function parseSignedData(contentInfo: Uint8Array): ParsedSignedData {
  // /Contents is zero-padded: read exactly one TLV.
  const ci = readTlv(contentInfo, 0);
  if (decodeOid(child(ci, 0)) !== OID.signedData) throw new Error('CMS: not SignedData');
  const sd = child(child(ci, 1), 0, TAG.SEQUENCE);
  const parts = children(sd);
  const encap = parts[2];
  if (!encap) throw new Error('CMS: no encapsulated content info');
  const eContentType = decodeOid(child(encap, 0));
  const eContentNode = children(encap)[1];
  let eContent: Uint8Array | undefined;
  if (eContentNode) {
    const octets = child(eContentNode, 0);
    eContent = octets.isConstructed
      ? Buffer.concat(children(octets).map((c) => contentOf(c)))
      : contentOf(octets);
  }
  const certificates: Uint8Array[] = [];
  let signerInfosNode: DerNode | undefined;
  for (const p of parts.slice(3)) {
    if (p.tag === 0xa0)
      for (const c of children(p)) if (c.tag === TAG.SEQUENCE) certificates.push(new Uint8Array(rawOf(c)));
    if (p.tag === TAG.SET) signerInfosNode = p;
  }
  const signerInfos = (signerInfosNode ? children(signerInfosNode) : []).map((si): ParsedSignerInfo => {
    const f = children(si);
    const sidNode = f[1] as DerNode;
    const sid =
      sidNode.tag === TAG.SEQUENCE
        ? { issuer: rawOf(child(sidNode, 0)), serialDer: rawOf(child(sidNode, 1)) }
        : { subjectKeyIdentifier: contentOf(sidNode) };
    let i = 2;
    const digestAlgorithm = decodeOid(child(f[i++] as DerNode, 0));
    let signedAttrsDer: Uint8Array | undefined;
    let signedAttrs = new Map<string, DerNode[]>();
    if (f[i]?.tag === 0xa0) {
      const node = f[i++] as DerNode;
      // The signature covers the attributes with their universal SET tag, not the [0] tag.
      signedAttrsDer = tlv(TAG.SET, contentOf(node));
      signedAttrs = readAttributes(node);
    }
    const signatureAlgorithm = decodeOid(child(f[i++] as DerNode, 0));
    const signature = octetStringValue(f[i++] as DerNode);
    const unsigned = f[i];
    return {
      sid,
      digestAlgorithm,
      ...(signedAttrsDer ? { signedAttrsDer } : {}),
      signedAttrs,
      signatureAlgorithm,
      signature,
      unsignedAttrs: unsigned?.tag === 0xa1 ? readAttributes(unsigned) : new Map(),
    };
  });
  return { eContentType, ...(eContent ? { eContent } : {}), certificates, signerInfos };
}

/** The certificate a SignerInfo names: issuer AND serial must match (serials repeat across issuers). */
export function findSignerCertificate(
  si: ParsedSignerInfo,
  certificates: readonly Uint8Array[],
): Uint8Array | undefined {
  return certificates.find((der) => {
    const cert = parseCertificate(der);
    if ('issuer' in si.sid)
      return bytesEqual(cert.issuer, si.sid.issuer) && bytesEqual(cert.serialDer, si.sid.serialDer);
    const ski = cert.extensions.get(OID.subjectKeyIdentifier);
    return ski !== undefined && bytesEqual(contentOf(parseDer(ski.value)), si.sid.subjectKeyIdentifier);
  });
}

function nodeHash(signatureAlgorithm: string, digestAlgorithm: string): string | undefined {
  return hashBySignatureAlgorithm[signatureAlgorithm] ?? hashByOid[digestAlgorithm];
}

export interface SignerCheck {
  certificate?: Uint8Array;
  /** messageDigest attribute equals the digest of the content (or of eContent for tokens). */
  isDigestMatching: boolean;
  isSignatureValid: boolean;
  problems: string[];
}

/**
 * Checks one SignerInfo against the content digest computed by the caller with `digestOf`:
 * messageDigest attribute and the signature over the signed attributes.
 */
export function checkSignerInfo(o: {
  signerInfo: ParsedSignerInfo;
  certificates: readonly Uint8Array[];
  /** Hashes the signed content with the named node hash (sha256…). */
  digestOf: (hash: string) => Uint8Array;
  /** The signed content itself, needed only when there are no signed attributes (the signature is then over the content). */
  content?: () => Uint8Array;
}): SignerCheck {
  const si = o.signerInfo;
  const problems: string[] = [];
  const certificate = findSignerCertificate(si, o.certificates);
  const hash = hashByOid[si.digestAlgorithm];
  if (!hash)
    return {
      isDigestMatching: false,
      isSignatureValid: false,
      problems: [`unsupported digest algorithm ${si.digestAlgorithm}`],
    };
  const contentDigest = o.digestOf(hash);
  let isDigestMatching: boolean;
  let signedBytes: Uint8Array;
  if (si.signedAttrsDer) {
    const md = si.signedAttrs.get(OID.messageDigest)?.[0];
    isDigestMatching = md !== undefined && bytesEqual(contentOf(md), contentDigest);
    if (!isDigestMatching)
      problems.push(
        'the document digest does not match the signed messageDigest: the signed bytes were changed',
      );
    signedBytes = si.signedAttrsDer;
  } else {
    // No signed attributes: the signature itself covers the content, so it is the digest check.
    isDigestMatching = o.content !== undefined;
    signedBytes = o.content?.() ?? new Uint8Array(0);
    if (!o.content) problems.push('a signature without signed attributes cannot be checked here');
  }
  if (!certificate) {
    problems.push('the signer certificate is not in the signature (issuer and serial match no certificate)');
    return { isDigestMatching, isSignatureValid: false, problems };
  }
  let isSignatureValid = false;
  try {
    const publicKey = new X509Certificate(certificate).publicKey;
    const signatureHash = nodeHash(si.signatureAlgorithm, si.digestAlgorithm) ?? 'sha256';
    isSignatureValid = cryptoVerify(signatureHash, signedBytes, publicKey, si.signature);
    if (!si.signedAttrsDer) isDigestMatching = isSignatureValid;
  } catch {
    isSignatureValid = false;
  }
  if (!isSignatureValid)
    problems.push('the cryptographic signature value does not verify with the signer certificate');
  return { certificate, isDigestMatching, isSignatureValid, problems };
}

export function sha(hash: string, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
