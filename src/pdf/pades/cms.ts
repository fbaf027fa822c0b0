import { createHash } from 'node:crypto';
import { der } from './der.js';
import { OID } from './oids.js';
import type { SealKey, TimestampClient } from './types.js';
import { parseCertificate } from './x509.js';

export interface CreateCadesSignatureOptions {
  /** SHA-256 of the signed byte ranges of the PDF. */
  contentDigest: Uint8Array;
  key: SealKey;
  /** When given, an RFC 3161 token over the signature value is added (PAdES B-T). */
  timestamp?: TimestampClient;
}

const sha256AlgId = () => der.seq(der.oid(OID.sha256));

function attribute(oid: string, value: Uint8Array): Uint8Array {
  return der.seq(der.oid(oid), der.setOf(value));
}

/** ESS signing-certificate-v2 (RFC 5035): binds the signature to the signer certificate. */
function signingCertificateV2(certificate: Uint8Array): Uint8Array {
  const cert = parseCertificate(certificate);
  const certHash = createHash('sha256').update(certificate).digest();
  // GeneralNames with one directoryName: `[4]` EXPLICIT because Name is a CHOICE.
  const issuerSerial = der.seq(der.seq(der.explicit(4, cert.issuer)), cert.serialDer);
  // hashAlgorithm is omitted: its DEFAULT is SHA-256, and DER forbids encoding a default value.
  const essCertIdV2 = der.seq(der.octets(certHash), issuerSerial);
  return der.seq(der.seq(essCertIdV2));
}

/**
 * Builds a detached CMS SignedData (PAdES baseline, ETSI.CAdES.detached): SHA-256; signed
 * attributes contentType, messageDigest and signing-certificate-v2, DER-sorted, without
 * signingTime (PAdES puts the claimed time in the signature dictionary's /M); certificates = the
 * signer and its chain; with a timestamp client, a signature timestamp as unsigned attribute.
 */
export async function createCadesSignature(o: CreateCadesSignatureOptions): Promise<Uint8Array> {
  if (o.contentDigest.length !== 32) throw new Error('contentDigest must be a SHA-256 digest (32 bytes)');
  const cert = parseCertificate(o.key.certificate);
  const signedAttrs = der.setOf(
    attribute(OID.contentType, der.oid(OID.data)),
    attribute(OID.messageDigest, der.octets(o.contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(o.key.certificate)),
  );
  const signature = await o.key.sign(signedAttrs);
  const signatureAlgorithm =
    o.key.algorithm === 'rsa-sha256'
      ? der.seq(der.oid(OID.rsaEncryption), der.null())
      : der.seq(der.oid(OID.ecdsaWithSha256));
  const signerInfoParts = [
    der.int(1),
    der.seq(cert.issuer, cert.serialDer),
    sha256AlgId(),
    der.implicit(0, signedAttrs),
    signatureAlgorithm,
    der.octets(signature),
  ];
  if (o.timestamp) {
    const imprint = createHash('sha256').update(signature).digest();
    const token = await o.timestamp.timestamp(imprint);
    signerInfoParts.push(der.implicit(1, der.setOf(attribute(OID.signatureTimeStampToken, token))));
  }
  // Certificates keep their order (signer first), which readers expect more than DER's SET sorting.
  const certificates = [o.key.certificate, ...o.key.chain];
  const signedData = der.seq(
    der.int(1),
    der.setOf(sha256AlgId()),
    der.seq(der.oid(OID.data)),
    der.implicit(0, der.seq(...certificates)),
    der.setOf(der.seq(...signerInfoParts)),
  );
  return der.seq(der.oid(OID.signedData), der.explicit(0, signedData));
}
