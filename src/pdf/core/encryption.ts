import { createCipheriv, createHash } from 'node:crypto';
import { PDFArray, type PDFDict, PDFHexString, PDFName, PDFNumber, PDFString } from 'pdf-lib';

export type PdfEncryption = 'none' | 'owner-password' | 'user-password';

const PASSWORD_PADDING = Uint8Array.from([
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e,
  0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
]);

function bytesOf(value: unknown): Uint8Array | null {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.asBytes();
  return null;
}

function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff;
    [s[i], s[j]] = [s[j] as number, s[i] as number];
  }
  const out = new Uint8Array(data.length);
  let a = 0;
  let b = 0;
  for (let k = 0; k < data.length; k++) {
    a = (a + 1) & 0xff;
    b = (b + (s[a] as number)) & 0xff;
    [s[a], s[b]] = [s[b] as number, s[a] as number];
    out[k] = (data[k] as number) ^ (s[((s[a] as number) + (s[b] as number)) & 0xff] as number);
  }
  return out;
}

function md5(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Algorithms 2, 4 and 5 of ISO 32000-1 with the empty user password (revisions 2 to 4). */
function emptyPasswordOpensLegacy(o: {
  revision: number;
  keyLength: number;
  owner: Uint8Array;
  user: Uint8Array;
  permissions: number;
  id0: Uint8Array;
  encryptMetadata: boolean;
}): boolean {
  const p = new Uint8Array(4);
  new DataView(p.buffer).setInt32(0, o.permissions, true);
  const extra =
    o.revision >= 4 && !o.encryptMetadata ? Uint8Array.from([0xff, 0xff, 0xff, 0xff]) : new Uint8Array();
  let hash = md5(PASSWORD_PADDING, o.owner.subarray(0, 32), p, o.id0, extra);
  const n = o.revision === 2 ? 5 : o.keyLength;
  if (o.revision >= 3) for (let i = 0; i < 50; i++) hash = md5(hash.subarray(0, n));
  const key = hash.subarray(0, n);
  if (o.revision === 2) {
    return Buffer.from(rc4(key, PASSWORD_PADDING)).equals(Buffer.from(o.user.subarray(0, 32)));
  }
  let value = rc4(key, md5(PASSWORD_PADDING, o.id0));
  for (let i = 1; i <= 19; i++) {
    value = rc4(
      key.map((b) => b ^ i),
      value,
    );
  }
  return Buffer.from(value.subarray(0, 16)).equals(Buffer.from(o.user.subarray(0, 16)));
}

/** Algorithm 2.B of ISO 32000-2 (revision 6). */
function hardenedHash(password: Uint8Array, salt: Uint8Array): Uint8Array {
  let k = new Uint8Array(createHash('sha256').update(password).update(salt).digest());
  for (let round = 0; ; round++) {
    const unit = Buffer.concat([password, k]);
    const k1 = Buffer.concat(Array.from({ length: 64 }, () => unit));
    const cipher = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    cipher.setAutoPadding(false);
    const e = Buffer.concat([cipher.update(k1), cipher.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i] as number;
    const algorithm = ['sha256', 'sha384', 'sha512'][sum % 3] as string;
    k = new Uint8Array(createHash(algorithm).update(e).digest());
    // Stop once 64 rounds are done and the last byte of E is at most (rounds done - 32).
    if (round >= 63 && (e[e.length - 1] as number) <= round + 1 - 32) break;
  }
  return k.subarray(0, 32);
}

/**
 * Whether an encrypted file opens without a password. Only the standard security handler can be
 * opened that way; anything else (certificates, unknown handlers) needs a secret we do not have.
 */
export function classifyEncryption(encrypt: PDFDict | undefined, id: unknown): PdfEncryption {
  if (encrypt === undefined) return 'none';
  if (encrypt.lookup(PDFName.of('Filter')) !== PDFName.of('Standard')) return 'user-password';
  const num = (name: string) => {
    const v = encrypt.lookup(PDFName.of(name));
    return v instanceof PDFNumber ? v.asNumber() : null;
  };
  const revision = num('R') ?? 0;
  const owner = bytesOf(encrypt.lookup(PDFName.of('O')));
  const user = bytesOf(encrypt.lookup(PDFName.of('U')));
  if (!owner || !user) return 'user-password';
  try {
    if (revision >= 5) {
      if (user.length < 48) return 'user-password';
      const validationSalt = user.subarray(32, 40);
      const computed =
        revision === 5
          ? new Uint8Array(createHash('sha256').update(validationSalt).digest())
          : hardenedHash(new Uint8Array(), validationSalt);
      return Buffer.from(computed).equals(Buffer.from(user.subarray(0, 32)))
        ? 'owner-password'
        : 'user-password';
    }
    const id0 = id instanceof PDFArray ? (bytesOf(id.lookup(0)) ?? new Uint8Array()) : new Uint8Array();
    const encryptMetadata = encrypt.lookup(PDFName.of('EncryptMetadata'));
    const isOpen = emptyPasswordOpensLegacy({
      revision,
      keyLength: Math.max(
        5,
        Math.min(16, Math.floor((num('Length') ?? ((num('V') ?? 0) >= 4 ? 128 : 40)) / 8)),
      ),
      owner,
      user,
      permissions: num('P') ?? 0,
      id0,
      encryptMetadata: String(encryptMetadata) !== 'false',
    });
    return isOpen ? 'owner-password' : 'user-password';
  } catch {
    return 'user-password';
  }
}
