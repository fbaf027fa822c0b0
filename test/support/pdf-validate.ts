import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { der } from '../../src/pdf/pades/index.js';

/** The independent checker's folder (../shared/tools/pdf-validate), its test PKI and reference files. */
export const pdfValidateDir = path.resolve(process.cwd(), '../shared/tools/pdf-validate');
export const testPkiDir = path.join(pdfValidateDir, 'pki');
export const refsDir = path.join(pdfValidateDir, 'refs');
/** The local RFC 3161 TSA and CRL server started by servers/start-services.sh. */
export const localTsaUrl = 'http://127.0.0.1:18318/tsa';

/** Environment for `paraphe` commands sealing with the test PKI's RSA key (PKCS#12) and its chain. */
export function p12SealEnv(dataDir: string): Record<string, string> {
  return {
    PARAPHE_DATA_DIR: dataDir,
    PARAPHE_SEAL_P12: path.join(testPkiDir, 'seal-rsa.p12'),
    PARAPHE_SEAL_P12_PASSPHRASE: 'seal-pass',
    PARAPHE_SEAL_CHAIN: path.join(testPkiDir, 'chain.pem'),
  };
}

/** Starts the checker's loopback TSA/CRL/OCSP services (idempotent) and waits until they answer. */
export async function ensureLocalPkiServices(): Promise<void> {
  const healthy = async () => {
    try {
      return (await fetch('http://127.0.0.1:18318/health', { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  };
  if (await healthy()) return assertTsaWorks();
  // The TSA's openssl.cnf names its files relative to the working directory: start it from pki/.
  execFileSync(path.join(pdfValidateDir, 'servers/start-services.sh'), { stdio: 'ignore', cwd: testPkiDir });
  if (!(await healthy())) throw new Error('local PKI services did not start (servers/start-services.sh)');
  await assertTsaWorks();
}

/** A TSA started from another directory answers 500 (its openssl.cnf uses relative paths): say so. */
async function assertTsaWorks(): Promise<void> {
  const res = await fetch(localTsaUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/timestamp-query' },
    body: Buffer.from(
      der.seq(
        der.int(1),
        der.seq(der.seq(der.oid('2.16.840.1.101.3.4.2.1')), der.octets(new Uint8Array(32))),
      ),
    ),
  });
  await res.arrayBuffer();
  if (res.status !== 200)
    throw new Error(
      `the local TSA on 127.0.0.1:18318 answers HTTP ${res.status}: it was started outside ${testPkiDir}; stop it (servers/stop-services.sh) and let the tests start it`,
    );
}
