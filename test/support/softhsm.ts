import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testPkiDir } from './pdf-validate.js';

/** Debian's SoftHSM2 PKCS#11 module. */
export const softhsmModule =
  ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find(existsSync) ??
  '/usr/lib/softhsm/libsofthsm2.so';

/**
 * A SoftHSM2 token in `dir` holding the test PKI's seal-rsa (label seal-rsa, id 02, with its
 * certificate) and seal-ec (label seal-ec, id 01, key only). Returns the env that points SoftHSM at it.
 */
export function createSoftHsmToken(dir: string, pin: string): { SOFTHSM2_CONF: string } {
  mkdirSync(path.join(dir, 'tokens'), { recursive: true });
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, stdio: 'pipe' });
  run('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    'paraphe-test',
    '--pin',
    pin,
    '--so-pin',
    '5678',
  ]);
  run('softhsm2-util', [
    '--import',
    path.join(testPkiDir, 'seal-rsa.key'),
    '--token',
    'paraphe-test',
    '--label',
    'seal-rsa',
    '--id',
    '02',
    '--pin',
    pin,
  ]);
  run('softhsm2-util', [
    '--import',
    path.join(testPkiDir, 'seal-ec.key'),
    '--token',
    'paraphe-test',
    '--label',
    'seal-ec',
    '--id',
    '01',
    '--pin',
    pin,
  ]);
  const certFile = path.join(dir, 'seal-rsa.der');
  writeFileSync(certFile, new X509Certificate(readFileSync(path.join(testPkiDir, 'seal-rsa.pem'))).raw);
  run('pkcs11-tool', [
    '--module',
    softhsmModule,
    '--token-label',
    'paraphe-test',
    '--login',
    '--pin',
    pin,
    '--write-object',
    certFile,
    '--type',
    'cert',
    '--id',
    '02',
    '--label',
    'seal-rsa',
  ]);
  return { SOFTHSM2_CONF: conf };
}
