import {
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  type KeyObject,
  pbkdf2Sync,
  timingSafeEqual,
} from 'node:crypto';
import {
  child,
  children,
  contentOf,
  type DerNode,
  decodeInteger,
  decodeOid,
  parseDer,
  rawOf,
  readTlv,
  TAG,
} from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';

/** What a PKCS#12 file holds once opened: one private key and the certificates beside it. */
export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** Every certificate in the file, DER, in file order. */
  certificates: Uint8Array[];
}

const P12 = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  sha1And3DesCbc: '1.2.840.113549.1.12.1.3',
  sha1And2DesCbc: '1.2.840.113549.1.12.1.4',
} as const;

const hmacPrf: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const ciphers: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
const digestByOid: Record<string, { name: string; length: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', length: 20 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', length: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', length: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', length: 64 },
};

/** The password as PKCS#12's own KDF wants it: BMPString (UTF-16BE) with a terminating NUL. */
function bmpPassword(passphrase: string): Buffer {
  const out = Buffer.alloc((passphrase.length + 1) * 2);
  for (let i = 0; i < passphrase.length; i++) out.writeUInt16BE(passphrase.charCodeAt(i), i * 2);
  return out;
}

/** RFC 7292 appendix B.2: the legacy PKCS#12 key derivation (used by the MAC and the 3DES PBE). */
function pkcs12Kdf(o: {
  hash: string;
  hashLength: number;
  password: Buffer;
  salt: Uint8Array;
  iterations: number;
  id: 1 | 2 | 3;
  length: number;
}): Buffer {
  const v = o.hash === 'sha384' || o.hash === 'sha512' ? 128 : 64;
  const repeatTo = (src: Uint8Array, len: number) => {
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length] ?? 0;
    return out;
  };
  const D = Buffer.alloc(v, o.id);
  const S = o.salt.length ? repeatTo(o.salt, v * Math.ceil(o.salt.length / v)) : Buffer.alloc(0);
  const P = o.password.length ? repeatTo(o.password, v * Math.ceil(o.password.length / v)) : Buffer.alloc(0);
  const I = Buffer.concat([S, P]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < o.length; produced += o.hashLength) {
    let A = createHash(o.hash).update(D).update(I).digest();
    for (let r = 1; r < o.iterations; r++) A = createHash(o.hash).update(A).digest();
    blocks.push(A);
    const B = repeatTo(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, o.length);
}

function wrongPassphrase(): AppError {
  return new AppError(
    'SEAL_KEY_PASSPHRASE_WRONG',
    'PKCS#12: the passphrase does not open the file (MAC or decryption failed)',
  );
}

function decrypt(algorithm: DerNode, encrypted: Uint8Array, passphrase: string): Buffer {
  const oid = decodeOid(child(algorithm, 0));
  let decipher: ReturnType<typeof createDecipheriv>;
  if (oid === P12.pbes2) {
    const params = child(algorithm, 1);
    const kdf = child(params, 0);
    const scheme = child(params, 1);
    if (decodeOid(child(kdf, 0)) !== P12.pbkdf2)
      throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: unsupported PBES2 key derivation');
    const kdfParams = children(child(kdf, 1));
    const salt = contentOf(kdfParams[0] as DerNode);
    const iterations = Number(decodeInteger(kdfParams[1] as DerNode));
    const prfNode = kdfParams.find((n) => n.tag === TAG.SEQUENCE);
    const prf = prfNode ? hmacPrf[decodeOid(child(prfNode, 0))] : 'sha1';
    const cipher = ciphers[decodeOid(child(scheme, 0))];
    if (!prf || !cipher) throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: unsupported PBES2 cipher or PRF');
    // PBES2 inside PKCS#12 takes the passphrase as UTF-8 (what OpenSSL writes and reads).
    const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, cipher.keyLength, prf);
    decipher = createDecipheriv(cipher.name, key, contentOf(child(scheme, 1)));
  } else if (oid === P12.sha1And3DesCbc || oid === P12.sha1And2DesCbc) {
    const params = child(algorithm, 1);
    const salt = contentOf(child(params, 0));
    const iterations = Number(decodeInteger(child(params, 1)));
    const password = bmpPassword(passphrase);
    const base = { hash: 'sha1', hashLength: 20, password, salt, iterations };
    const key = pkcs12Kdf({ ...base, id: 1, length: 24 });
    if (oid === P12.sha1And2DesCbc) key.copy(key, 16, 0, 8);
    const iv = pkcs12Kdf({ ...base, id: 2, length: 8 });
    decipher = createDecipheriv('des-ede3-cbc', key, iv);
  } else {
    // RC2-40 (the oldest PKCS#12 default) is not in OpenSSL 3's default provider.
    throw new AppError(
      'SEAL_KEY_INVALID',
      `PKCS#12: unsupported encryption ${oid}; re-export the file with AES (openssl pkcs12 -export)`,
    );
  }
  try {
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch (cause) {
    throw new AppError('SEAL_KEY_PASSPHRASE_WRONG', 'PKCS#12: decryption failed', { cause });
  }
}

/** The value of an OCTET STRING that BER may have split into pieces (constructed form). */
function octetValue(node: DerNode): Uint8Array {
  if (!node.isConstructed) return contentOf(node);
  return Buffer.concat(children(node).map(octetValue));
}

function verifyMac(pfx: DerNode[], authSafeContent: Uint8Array, passphrase: string): void {
  const macData = pfx[2];
  if (!macData) return; // files without integrity protection rely on the encryption alone
  const [mac, saltNode, iterNode] = children(macData);
  if (!mac || !saltNode) throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: malformed MAC data');
  const digest = digestByOid[decodeOid(child(child(mac, 0), 0))];
  if (!digest) throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: unsupported MAC digest');
  const expected = contentOf(child(mac, 1));
  const iterations = iterNode ? Number(decodeInteger(iterNode)) : 1;
  const key = pkcs12Kdf({
    hash: digest.name,
    hashLength: digest.length,
    password: bmpPassword(passphrase),
    salt: contentOf(saltNode),
    iterations,
    id: 3,
    length: digest.length,
  });
  const actual = createHmac(digest.name, key).update(authSafeContent).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw wrongPassphrase();
}

/**
 * Opens a PKCS#12 (.p12/.pfx) file: modern (PBES2/AES, HMAC-SHA-256) and legacy (3DES, SHA-1)
 * encodings. A wrong passphrase is reported as such (SEAL_KEY_PASSPHRASE_WRONG), never as "corrupt".
 */
export function readPkcs12(bytes: Uint8Array, passphrase: string): Pkcs12Contents {
  let pfx: DerNode[];
  let authSafeContent: Uint8Array;
  try {
    pfx = children(readTlv(bytes));
    const authSafe = pfx[1];
    if (!authSafe || decodeOid(child(authSafe, 0)) !== P12.data) throw new Error('authSafe is not data');
    authSafeContent = octetValue(child(child(authSafe, 1), 0));
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: not a PKCS#12 file', { cause });
  }
  verifyMac(pfx, authSafeContent, passphrase);
  const certificates: Uint8Array[] = [];
  let privateKey: KeyObject | undefined;
  const readBags = (safeContents: Uint8Array) => {
    for (const bag of children(parseDer(safeContents))) {
      const bagId = decodeOid(child(bag, 0));
      const value = child(child(bag, 1), 0);
      if (bagId === P12.certBag) {
        if (decodeOid(child(value, 0)) === P12.x509Certificate)
          certificates.push(new Uint8Array(octetValue(child(child(value, 1), 0))));
      } else if (bagId === P12.shroudedKeyBag) {
        const pkcs8 = decrypt(child(value, 0), contentOf(child(value, 1)), passphrase);
        privateKey ??= toKeyObject(pkcs8);
      } else if (bagId === P12.keyBag) {
        privateKey ??= toKeyObject(rawOf(value));
      }
    }
  };
  for (const info of children(parseDer(authSafeContent))) {
    const type = decodeOid(child(info, 0));
    const content = child(child(info, 1), 0);
    if (type === P12.data) readBags(octetValue(content));
    else if (type === P12.encryptedData) {
      const eci = child(content, 1);
      const encrypted = children(eci)[2];
      if (!encrypted) continue;
      readBags(decrypt(child(eci, 1), octetValue(encrypted), passphrase));
    }
  }
  if (!privateKey) throw new AppError('SEAL_KEY_INVALID', 'PKCS#12: the file holds no private key');
  return { privateKey, certificates };
}

function toKeyObject(pkcs8: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    // Garbage after decryption with a wrong key usually fails here rather than at the padding check.
    throw new AppError('SEAL_KEY_PASSPHRASE_WRONG', 'PKCS#12: the decrypted key is unreadable', { cause });
  }
}
