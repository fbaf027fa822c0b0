import { readFileSync } from 'node:fs';
import type { SealKey } from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';
import { readPemCertificates } from './certificates.js';
import { ensureDevSealKey } from './dev-seal-key.js';
import { keyObjectSealKey } from './key-object-seal-key.js';
import { openPkcs11SealKey } from './pkcs11-seal-key.js';
import { readPkcs12 } from './pkcs12.js';

/** The key part of the `seal` configuration section (paths already resolved). */
export interface SealKeySettings {
  p12?: { path: string; passphrase?: string | undefined; passphraseFile?: string | undefined } | undefined;
  chainPath?: string | undefined;
  pkcs11?:
    | {
        module: string;
        slot?: number | undefined;
        tokenLabel?: string | undefined;
        pin?: string | undefined;
        pinFile?: string | undefined;
        keyLabel?: string | undefined;
        certificatePath?: string | undefined;
      }
    | undefined;
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new AppError('SEAL_KEY_UNREADABLE', `cannot read the ${what} (${file})`, { cause });
  }
}

/** A secret given inline or as a file (one line; a trailing newline is not part of it). */
function secret(inline: string | undefined, file: string | undefined, what: string): string {
  if (inline !== undefined) return inline;
  if (file !== undefined)
    return readFile(file, `${what} file`)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  throw new AppError('SEAL_KEY_NOT_CONFIGURED', `the ${what} is not configured`);
}

/**
 * The seal key the configuration names: PKCS#11 when a module is set, else a PKCS#12 file, else
 * (development only) the generated test key. Production without a key is a configuration error.
 */
export async function loadSealKey(o: {
  settings: SealKeySettings;
  dataDir: string;
  isDev: boolean;
}): Promise<SealKey & { close?: () => void }> {
  const extraChain = o.settings.chainPath
    ? readPemCertificates(readFile(o.settings.chainPath, 'seal chain').toString('utf8'))
    : [];
  const hsm = o.settings.pkcs11;
  if (hsm) {
    const certificate = hsm.certificatePath
      ? readPemOrDer(readFile(hsm.certificatePath, 'seal certificate'))
      : undefined;
    return openPkcs11SealKey({
      module: hsm.module,
      ...(hsm.tokenLabel !== undefined ? { tokenLabel: hsm.tokenLabel } : {}),
      ...(hsm.slot !== undefined ? { slot: hsm.slot } : {}),
      ...(hsm.keyLabel !== undefined ? { keyLabel: hsm.keyLabel } : {}),
      ...(certificate ? { certificate } : {}),
      pin: secret(hsm.pin, hsm.pinFile, 'PKCS#11 PIN'),
      extraChain,
    });
  }
  const p12 = o.settings.p12;
  if (p12) {
    const contents = readPkcs12(
      readFile(p12.path, 'PKCS#12 file'),
      secret(p12.passphrase, p12.passphraseFile, 'PKCS#12 passphrase'),
    );
    return keyObjectSealKey({ ...contents, extraChain, isTestKey: false });
  }
  if (o.isDev) return ensureDevSealKey(o.dataDir);
  throw new AppError(
    'SEAL_KEY_NOT_CONFIGURED',
    'no seal key: set PARAPHE_SEAL_P12 or PARAPHE_SEAL_PKCS11_MODULE (or run in dev mode)',
  );
}

function readPemOrDer(bytes: Buffer): Uint8Array {
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    const [first] = readPemCertificates(text);
    if (first) return first;
  }
  return new Uint8Array(bytes);
}
