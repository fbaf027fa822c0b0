import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SealKey } from '../pdf/pades/index.js';
import { der, OID, sha } from '../pdf/pades/index.js';
import { PRIVATE_DIR_MODE } from '../shared/file-modes.js';
import { readPemCertificates, toPem } from './certificates.js';
import { keyObjectSealKey } from './key-object-seal-key.js';

/** Marker every development certificate carries in its common name. */
export const testMarker = 'TEST — not trusted';

function name(cn: string): Uint8Array {
  const atv = (oid: string, value: Uint8Array) => der.setOf(der.seq(der.oid(oid), value));
  return der.seq(
    atv(OID.countryName, der.printable('FR')),
    atv(OID.organizationName, der.utf8('Paraphe (development)')),
    atv(OID.commonName, der.utf8(cn)),
  );
}

function extension(oid: string, isCritical: boolean, value: Uint8Array): Uint8Array {
  return isCritical
    ? der.seq(der.oid(oid), der.bool(true), der.octets(value))
    : der.seq(der.oid(oid), der.octets(value));
}

function keyId(publicKey: KeyObject): Uint8Array {
  const pub = publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  return sha('sha1', pub.export({ type: 'spki', format: 'der' })).subarray(0, 20);
}

function issue(o: {
  subject: string;
  issuer: string;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  isCa: boolean;
  now: Date;
  years: number;
}): Uint8Array {
  const serial = BigInt(`0x${randomBytes(15).toString('hex')}`) | 1n;
  const notBefore = new Date(o.now.getTime() - 3600_000);
  const notAfter = new Date(o.now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + o.years);
  const spki = o.subjectKey.export({ type: 'spki', format: 'der' });
  const extensions = o.isCa
    ? [
        extension(OID.basicConstraints, true, der.seq(der.bool(true))),
        // keyCertSign + cRLSign
        extension(OID.keyUsage, true, der.bitString(Uint8Array.from([0x06]), 1)),
        extension(OID.subjectKeyIdentifier, false, der.octets(keyId(o.subjectKey))),
      ]
    : [
        extension(OID.basicConstraints, true, der.seq()),
        // digitalSignature + nonRepudiation, what PAdES validators look for in a seal certificate
        extension(OID.keyUsage, true, der.bitString(Uint8Array.from([0xc0]), 6)),
        // emailProtection is what NSS (pdfsig, Firefox, Evince) checks; documentSigning (RFC 9336) for the rest
        extension(
          OID.extKeyUsage,
          false,
          der.seq(der.oid(OID.ekuEmailProtection), der.oid(OID.ekuDocumentSigning)),
        ),
        extension(OID.subjectKeyIdentifier, false, der.octets(keyId(o.subjectKey))),
        extension(
          OID.authorityKeyIdentifier,
          false,
          der.seq(der.implicit(0, der.octets(keyId(o.issuerKey)))),
        ),
      ];
  const algorithm = der.seq(der.oid(OID.ecdsaWithSha256));
  const tbs = der.seq(
    der.explicit(0, der.int(2)),
    der.int(serial),
    algorithm,
    name(o.issuer),
    der.seq(der.time(notBefore), der.time(notAfter)),
    name(o.subject),
    new Uint8Array(spki),
    der.explicit(3, der.seq(...extensions)),
  );
  return der.seq(tbs, algorithm, der.bitString(sign('sha256', tbs, o.issuerKey)));
}

/**
 * The development seal: generated once per data dir (a test CA and a P-256 seal certificate whose
 * names say "TEST — not trusted"), then reused. The CA's private key is thrown away after issuing.
 */
export function ensureDevSealKey(dataDir: string, options: { now?: Date } = {}): SealKey {
  const dir = path.join(dataDir, 'dev-seal');
  if (!existsSync(path.join(dir, 'seal.key'))) {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    mkdirSync(tmp, { mode: 0o700 });
    const now = options.now ?? new Date();
    const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const seal = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const caName = `Paraphe Dev CA — ${testMarker}`;
    const caCert = issue({
      subject: caName,
      issuer: caName,
      subjectKey: ca.publicKey,
      issuerKey: ca.privateKey,
      isCa: true,
      now,
      years: 20,
    });
    const sealCert = issue({
      subject: `Paraphe Dev Seal — ${testMarker}`,
      issuer: caName,
      subjectKey: seal.publicKey,
      issuerKey: ca.privateKey,
      isCa: false,
      now,
      years: 10,
    });
    writeFileSync(path.join(tmp, 'seal.key'), seal.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    writeFileSync(path.join(tmp, 'seal.pem'), toPem(sealCert) + toPem(caCert));
    writeFileSync(path.join(tmp, 'ca.pem'), toPem(caCert));
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process generated it first: keep theirs, so every seal uses one key.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const privateKey = createPrivateKey(readFileSync(path.join(dir, 'seal.key')));
  return keyObjectSealKey({
    privateKey,
    certificates: readPemCertificates(readFileSync(path.join(dir, 'seal.pem'), 'utf8')),
    isTestKey: true,
  });
}

/** The dev CA certificate (DER), to trust when verifying dev seals. */
export function devSealRoot(dataDir: string): Uint8Array | undefined {
  const file = path.join(dataDir, 'dev-seal', 'ca.pem');
  if (!existsSync(file)) return undefined;
  return new Uint8Array(new X509Certificate(readFileSync(file)).raw);
}
