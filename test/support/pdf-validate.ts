import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The independent checker's folder (../shared/tools/pdf-validate), its test PKI and reference files. */
export const pdfValidateDir = path.resolve(process.cwd(), '../shared/tools/pdf-validate');
export const testPkiDir = path.join(pdfValidateDir, 'pki');
export const refsDir = path.join(pdfValidateDir, 'refs');
/** The local RFC 3161 TSA and CRL server started by servers/start-services.sh. */
export const localTsaUrl = 'http://127.0.0.1:18318/tsa';

/** Starts the checker's loopback TSA/CRL/OCSP services (idempotent) and waits until they answer. */
export async function ensureLocalPkiServices(): Promise<void> {
  const healthy = async () => {
    try {
      return (await fetch('http://127.0.0.1:18318/health', { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  };
  if (await healthy()) return;
  // The TSA's openssl.cnf names its files relative to the working directory: start it from pki/.
  execFileSync(path.join(pdfValidateDir, 'servers/start-services.sh'), { stdio: 'ignore', cwd: testPkiDir });
  if (!(await healthy())) throw new Error('local PKI services did not start (servers/start-services.sh)');
}
