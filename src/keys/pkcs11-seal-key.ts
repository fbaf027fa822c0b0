import { createHash } from 'node:crypto';
import type { SealKey } from '../pdf/pades/index.js';
import { der } from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';
import { orderChain } from './certificates.js';

export interface Pkcs11Options {
  /** Path to the vendor's PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  module: string;
  /** Token label; or `slot`, the 0-based index among slots that hold a token. First token otherwise. */
  tokenLabel?: string;
  slot?: number;
  pin: string;
  /** Label of the private key (CKA_LABEL); the first private key otherwise. */
  keyLabel?: string;
  /** Signer certificate (DER) when it is not stored on the token beside the key. */
  certificate?: Uint8Array;
  extraChain?: readonly Uint8Array[];
}

/** A SealKey whose private key never leaves the HSM; `close()` logs out and releases the library. */
export type Pkcs11SealKey = SealKey & { close(): void };

/** PKCS#11 returns ECDSA signatures as r‖s; CMS wants the DER SEQUENCE { r, s }. */
function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const int = (bytes: Uint8Array) => der.int(BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`));
  return der.seq(int(raw.subarray(0, half)), int(raw.subarray(half)));
}

function fail(message: string, cause?: unknown): AppError {
  return new AppError('SEAL_PKCS11_FAILED', `PKCS#11: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Opens a seal key on a PKCS#11 token (HSM, smart card, SoftHSM) through pkcs11js. The PIN is used
 * for C_Login only and never appears in errors.
 */
export async function openPkcs11SealKey(o: Pkcs11Options): Promise<Pkcs11SealKey> {
  let pkcs11js: typeof import('pkcs11js');
  try {
    pkcs11js = (await import('pkcs11js')).default;
  } catch (cause) {
    throw fail('the pkcs11js native binding is not available (npm install needs a C++ compiler)', cause);
  }
  const p = new pkcs11js.PKCS11();
  try {
    p.load(o.module);
    p.C_Initialize();
  } catch (cause) {
    throw fail(`cannot load module ${o.module}`, cause);
  }
  let session: Buffer | undefined;
  const release = () => {
    try {
      if (session) {
        p.C_Logout(session);
        p.C_CloseSession(session);
      }
    } catch {
      // already logged out or closed: nothing left to release
    }
    try {
      p.C_Finalize();
      p.close();
    } catch {
      // the library is already finalised
    }
  };
  try {
    const slots = p.C_GetSlotList(true);
    const slot =
      o.tokenLabel !== undefined
        ? slots.find((s) => p.C_GetTokenInfo(s).label.trim() === o.tokenLabel)
        : slots[o.slot ?? 0];
    if (!slot)
      throw fail(
        o.tokenLabel !== undefined
          ? `no token labelled "${o.tokenLabel}"`
          : `no token in slot index ${o.slot ?? 0}`,
      );
    session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      p.C_Login(session, pkcs11js.CKU_USER, o.pin);
    } catch (cause) {
      throw fail('login refused (wrong PIN or locked token)', cause);
    }
    const s = session;
    const find = (template: { type: number; value: number | string | Buffer }[]) => {
      p.C_FindObjectsInit(s, template);
      const handles = p.C_FindObjects(s, 64);
      p.C_FindObjectsFinal(s);
      return handles;
    };
    const keyTemplate = [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      ...(o.keyLabel ? [{ type: pkcs11js.CKA_LABEL, value: o.keyLabel }] : []),
    ];
    const key = find(keyTemplate)[0];
    if (!key)
      throw fail(o.keyLabel ? `no private key labelled "${o.keyLabel}"` : 'no private key on the token');
    const attrs = p.C_GetAttributeValue(s, key, [{ type: pkcs11js.CKA_KEY_TYPE }, { type: pkcs11js.CKA_ID }]);
    const keyType = attrs[0]?.value?.readUIntLE(0, Math.min(attrs[0].value.length, 6));
    const keyId = attrs[1]?.value;
    if (keyType !== pkcs11js.CKK_RSA && keyType !== pkcs11js.CKK_EC)
      throw fail('the key is neither RSA nor EC');
    const tokenCerts = find([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).map((h) => {
      const [value, id] = p.C_GetAttributeValue(s, h, [
        { type: pkcs11js.CKA_VALUE },
        { type: pkcs11js.CKA_ID },
      ]);
      return { der: new Uint8Array(value?.value ?? []), id: id?.value };
    });
    const certificate = o.certificate ?? tokenCerts.find((c) => keyId && c.id?.equals(keyId))?.der;
    if (!certificate)
      throw fail(
        "no certificate: store it on the token with the key's CKA_ID or set PARAPHE_SEAL_PKCS11_CERT",
      );
    const isRsa = keyType === pkcs11js.CKK_RSA;
    return {
      certificate,
      chain: orderChain(certificate, [...tokenCerts.map((c) => c.der), ...(o.extraChain ?? [])]),
      algorithm: isRsa ? 'rsa-sha256' : 'ecdsa-sha256',
      isTestKey: false,
      async sign(data) {
        try {
          if (isRsa) {
            p.C_SignInit(s, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
            return new Uint8Array(p.C_Sign(s, Buffer.from(data), Buffer.alloc(1024)));
          }
          // CKM_ECDSA over our own SHA-256: every token has it, CKM_ECDSA_SHA256 is optional.
          p.C_SignInit(s, { mechanism: pkcs11js.CKM_ECDSA }, key);
          const digest = createHash('sha256').update(data).digest();
          return ecdsaRawToDer(new Uint8Array(p.C_Sign(s, digest, Buffer.alloc(256))));
        } catch (cause) {
          throw fail('the token refused to sign', cause);
        }
      },
      close: release,
    };
  } catch (error) {
    release();
    throw error instanceof AppError ? error : fail('token error', error);
  }
}
