import { createHash, X509Certificate } from 'node:crypto';
import { certificatePathsOf, listSignatureContents, type ValidationData } from '../pdf/ltv/index.js';
import {
  caIssuerUris,
  child,
  children,
  contentOf,
  formatName,
  parseCertificate,
  parseDer,
  rawOf,
} from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';
import { readPemCertificates } from './certificates.js';
import { fetchCrlOverHttp } from './fetch-crl.js';
import { fetchRevocationData, type RevocationData } from './revocation-client.js';

/** How revocation data is fetched: the real client by default, replaceable in tests. */
export type FetchRevocation = (o: {
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
}) => Promise<RevocationData>;

const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Certificates an OCSP response carries (its delegated responder), so the DSS holds them too. */
function ocspCertificates(response: Uint8Array): Uint8Array[] {
  try {
    const basic = parseDer(contentOf(child(child(child(parseDer(response), 1), 0), 1)));
    const certsNode = children(basic)[3];
    return certsNode ? children(child(certsNode, 0)).map((c) => new Uint8Array(rawOf(c))) : [];
  } catch {
    return [];
  }
}

function isSelfIssued(der: Uint8Array): boolean {
  const cert = parseCertificate(der);
  return Buffer.compare(Buffer.from(cert.issuer), Buffer.from(cert.subject)) === 0;
}

/** The issuer of `der` downloaded from its caIssuers URIs, kept only if it did sign `der`. */
async function downloadIssuer(der: Uint8Array): Promise<Uint8Array | undefined> {
  const cert = parseCertificate(der);
  for (const url of caIssuerUris(cert)) {
    const body = await fetchCrlOverHttp(url, { maxBytes: 64 * 1024 });
    if (!body) continue;
    const text = Buffer.from(body).toString('latin1');
    const candidates = text.includes('-----BEGIN CERTIFICATE-----') ? readPemCertificates(text) : [body];
    for (const candidate of candidates) {
      try {
        const issuer = parseCertificate(candidate);
        if (
          Buffer.compare(Buffer.from(issuer.subject), Buffer.from(cert.issuer)) === 0 &&
          new X509Certificate(der).verify(new X509Certificate(candidate).publicKey)
        )
          return candidate;
      } catch {
        // Not a certificate (a PKCS#7 bundle, an error page): try the next URI.
      }
    }
  }
  return undefined;
}

/**
 * Completes a path up to a self-issued root through caIssuers downloads, as validators do;
 * `downloaded` keeps each issuer found for the other paths of the same file.
 */
async function completePath(path: Uint8Array[], downloaded: Map<string, Uint8Array>): Promise<Uint8Array[]> {
  const full = [...path];
  while (!isSelfIssued(full[full.length - 1] as Uint8Array) && full.length < 10) {
    const top = full[full.length - 1] as Uint8Array;
    const issuer = downloaded.get(hex(top)) ?? (await downloadIssuer(top));
    if (issuer) downloaded.set(hex(top), issuer);
    if (!issuer)
      throw new AppError(
        'REVOCATION_UNAVAILABLE',
        `issuer of ${formatName(parseCertificate(top).subject)} not found in the file, the chain or at its caIssuers address`,
      );
    full.push(issuer);
  }
  return full;
}

/** Every status must be "good": unknown is retried later, revoked is refused. */
function assertKnownAndGood(data: RevocationData): void {
  if (data.statuses.length === 0)
    throw new AppError('REVOCATION_UNAVAILABLE', 'no revocation data for a certificate of the path');
  for (const s of data.statuses) {
    if (s.status.status === 'unknown')
      throw new AppError('REVOCATION_UNAVAILABLE', `revocation of ${s.subject} unknown: ${s.status.reason}`);
    if (s.status.status === 'revoked')
      throw new AppError('REVOCATION_CERTIFICATE_REVOKED', `${s.subject} is revoked (${s.status.source})`);
  }
}

/**
 * Gathers what a DSS needs for every signature and document timestamp of `pdfBytes` that has no
 * VRI entry yet (on a file extended before: the newest document timestamp): the
 * certificate paths of the signer and of each TSA (up to a self-issued root, completed from
 * `extraCertificates`), and an OCSP response or CRL for each certificate below the root. Anything
 * missing — an issuer not found, an authority that does not answer, an "unknown" status — throws
 * REVOCATION_UNAVAILABLE, so the job tries again later: no status is ever assumed. A revoked
 * certificate throws REVOCATION_CERTIFICATE_REVOKED.
 */
export async function collectValidationData(
  pdfBytes: Uint8Array,
  o: { extraCertificates?: readonly Uint8Array[]; fetchRevocation?: FetchRevocation } = {},
): Promise<ValidationData> {
  const fetchRevocation = o.fetchRevocation ?? fetchRevocationData;
  const signatures = await listSignatureContents(pdfBytes);
  const byPair = new Map<string, RevocationData>();
  const downloaded = new Map<string, Uint8Array>();
  const certs = new Map<string, Uint8Array>();
  const ocsps = new Map<string, Uint8Array>();
  const crls = new Map<string, Uint8Array>();
  const vri: ValidationData['vri'][number][] = [];
  // Data already filed for a signature was gathered when it was fresh; validators judge it at
  // the signature's time, so newer answers would not help (pyHanko rejects them as too recent).
  for (const signature of signatures.filter((s) => !s.hasValidationData)) {
    let paths: Uint8Array[][];
    try {
      paths = certificatePathsOf(signature.contents, o.extraCertificates);
    } catch (cause) {
      throw new AppError('PDF_DAMAGED', `signature "${signature.fieldName}" holds no readable CMS`, {
        cause,
      });
    }
    const entry = {
      signatureContents: signature.contents,
      certs: [] as Uint8Array[],
      ocsps: [] as Uint8Array[],
      crls: [] as Uint8Array[],
    };
    for (const found of paths) {
      const path = await completePath(found, downloaded);
      const data: RevocationData = { ocsps: [], crls: [], statuses: [] };
      // Pair by pair: the seal's and the TSAs' paths share their CAs, asked about once.
      for (let i = 0; i + 1 < path.length; i++) {
        const key = `${hex(path[i] as Uint8Array)},${hex(path[i + 1] as Uint8Array)}`;
        let pair = byPair.get(key);
        if (!pair) {
          pair = await fetchRevocation({
            certificate: path[i] as Uint8Array,
            chain: [path[i + 1] as Uint8Array],
          });
          assertKnownAndGood(pair);
          byPair.set(key, pair);
        }
        data.ocsps.push(...pair.ocsps);
        data.crls.push(...pair.crls);
      }
      const responders = data.ocsps.flatMap(ocspCertificates);
      entry.certs.push(...path, ...responders);
      entry.ocsps.push(...data.ocsps);
      entry.crls.push(...data.crls);
      for (const c of [...path, ...responders]) certs.set(hex(c), c);
      for (const r of data.ocsps) ocsps.set(hex(r), r);
      for (const r of data.crls) crls.set(hex(r), r);
    }
    vri.push(entry);
  }
  return { certs: [...certs.values()], ocsps: [...ocsps.values()], crls: [...crls.values()], vri };
}
