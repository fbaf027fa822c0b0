import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors.js';
import { readPemCertificates } from './certificates.js';
import { devSealRoot } from './dev-seal-key.js';

/** What the trust anchors depend on in the configuration (read only when no file is given). */
export interface TrustSettings {
  /** PARAPHE_VERIFY_TRUST */
  verifyTrustPaths: string[];
  isDev: boolean;
  dataDir: string;
}

/** The roots `paraphe verify` and the /verifier page judge against, and where they came from (printed with the report). */
export interface TrustAnchors {
  roots: Uint8Array[];
  source: 'option' | 'configured' | 'dev-ca' | 'none';
  files: string[];
  /** The dev CA: a chain to it proves only that this machine's test key made the seal. */
  isTest: boolean;
}

function readRoots(files: string[], what: string): Uint8Array[] {
  const roots = files.flatMap((file) => {
    try {
      return readPemCertificates(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new AppError('PDF_VERIFY_UNREADABLE', `cannot read ${what} ${file}`, { cause });
    }
  });
  if (roots.length === 0)
    throw new AppError('PDF_VERIFY_UNREADABLE', `no certificate in ${what} ${files.join(', ')}`);
  return roots;
}

/**
 * --trust files first, then PARAPHE_VERIFY_TRUST, then (dev mode) the generated dev CA. With --trust
 * the configuration is not read at all, so a PDF can be checked on any machine, without the
 * service's data dir or environment.
 */
export function resolveTrustAnchors(files: string[], getSettings: () => TrustSettings): TrustAnchors {
  if (files.length > 0) return { roots: readRoots(files, '--trust'), source: 'option', files, isTest: false };
  const config = getSettings();
  const configured = config.verifyTrustPaths;
  if (configured.length > 0)
    return {
      roots: readRoots(configured, 'PARAPHE_VERIFY_TRUST'),
      source: 'configured',
      files: configured,
      isTest: false,
    };
  const dev = config.isDev ? devSealRoot(config.dataDir) : undefined;
  if (dev)
    return {
      roots: [dev],
      source: 'dev-ca',
      files: [path.join(config.dataDir, 'dev-seal', 'ca.pem')],
      isTest: true,
    };
  return { roots: [], source: 'none', files: [], isTest: false };
}

/** One line for people: which roots were trusted, and why. */
export function describeTrustAnchors(anchors: TrustAnchors): string {
  const files = anchors.files.join(', ');
  switch (anchors.source) {
    case 'option':
      return `Trust anchors: ${files} (--trust)`;
    case 'configured':
      return `Trust anchors: ${files} (PARAPHE_VERIFY_TRUST)`;
    case 'dev-ca':
      return `Trust anchors: the dev CA ${files} (TEST, not trusted: it only shows this machine's test key made the seal)`;
    case 'none':
      return 'Trust anchors: none (give --trust ROOT.pem or set PARAPHE_VERIFY_TRUST): no signature can be trusted';
  }
}
