import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Evidence } from '../evidence/evidence.js';
import type { SealKey } from '../pades/types.js';
import type { SealOptions } from '../seal/seal-document.js';

/** Test-only helpers: the shared test PKI as SealKeys, sample evidence, a generated signature PNG. */
export const PKI_DIR = path.resolve(import.meta.dirname, '../../../../shared/tools/pdf-validate/pki');

function pemCertificates(pem: string): Uint8Array[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new Uint8Array(new X509Certificate(block).raw),
  );
}

/** A SealKey over the test PKI's PEM files (node:crypto), independent of keys/. */
export function testSealKey(
  name: 'seal-rsa' | 'seal-ec' | 'seal-revoked' = 'seal-rsa',
  dir = PKI_DIR,
): SealKey {
  const [certificate, ...chain] = pemCertificates(
    readFileSync(path.join(dir, `${name}-fullchain.pem`), 'utf8'),
  );
  if (!certificate) throw new Error(`no certificate in ${name}-fullchain.pem`);
  const key = createPrivateKey(readFileSync(path.join(dir, `${name}.key`)));
  return {
    certificate,
    chain,
    algorithm: key.asymmetricKeyType === 'ec' ? 'ecdsa-sha256' : 'rsa-sha256',
    isTestKey: true,
    sign: async (data) => new Uint8Array(sign('sha256', data, key)),
  };
}

/** Seal options for tests: the RSA test key, French captions, P=1, signed now. */
export function sampleSealOptions(overrides: Partial<SealOptions> = {}): SealOptions {
  return {
    key: testSealKey('seal-rsa'),
    reason: 'Scellé par Paraphe',
    location: 'Paris',
    contactInfo: 'ops@paraphe.example',
    docMdpPermissions: 1,
    locale: 'fr',
    signingTime: new Date(),
    ...overrides,
  };
}

export function sampleEvidence(documentName = 'contrat.pdf'): Evidence {
  return {
    envelopeId: 'env_3f9c2a7e',
    documents: [{ name: documentName, sha256: 'a'.repeat(64) }],
    sender: { name: 'Agence Dupont', email: 'contact@dupont.example' },
    signers: [
      {
        name: 'Éloïse Müller',
        email: 'eloise@example.org',
        phoneMasked: '+33 6•• •• •• 42',
        codeConfirmedAt: new Date('2026-11-26T10:01:00Z'),
        ip: '203.0.113.7',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        signedAt: new Date('2026-11-26T10:02:00Z'),
        placements: [{ documentName, pages: [1] }],
      },
    ],
    events: [
      {
        at: new Date('2026-11-26T09:00:00Z'),
        type: 'envelope.created',
        actor: 'contact@dupont.example',
        detail: null,
      },
      {
        at: new Date('2026-11-26T10:02:00Z'),
        type: 'signer.signed',
        actor: 'signer',
        detail: null,
      },
    ],
  };
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG: a solid `rgb` block (opaque) on a transparent background, like a drawn signature. */
export function makePng(o: {
  width: number;
  height: number;
  rgb?: [number, number, number];
  inset?: number;
}): Uint8Array {
  const { width, height } = o;
  const [r, g, b] = o.rgb ?? [255, 0, 0];
  const inset = o.inset ?? 0;
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= inset && y >= inset && x < width - inset && y < height - inset;
      const at = y * (width * 4 + 1) + 1 + x * 4;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
      raw[at + 3] = inside ? 255 : 0;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}
