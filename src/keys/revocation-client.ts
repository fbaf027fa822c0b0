import { createHash } from 'node:crypto';
import {
  child,
  contentOf,
  crlDistributionUris,
  der,
  formatName,
  ocspUris,
  type ParsedCertificate,
  parseCertificate,
  readTlv,
} from '../pdf/pades/index.js';
import { checkCrl, checkOcsp, type RevocationStatus } from '../pdf/verify/index.js';
import { fetchCrlOverHttp } from './fetch-crl.js';
import { fetchReconnecting } from './http-fetch.js';

/** Revocation data for a DSS (PAdES B-LT): DER OCSP responses and CRLs, each checked before use. */
export interface RevocationData {
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** Per certificate (subject), what the data says. */
  statuses: { subject: string; status: RevocationStatus }[];
}

function ocspRequest(cert: ParsedCertificate, issuer: ParsedCertificate): Uint8Array {
  const issuerKey = contentOf(child(readTlv(issuer.spki), 1)).subarray(1);
  const certId = der.seq(
    der.seq(der.oid('1.3.14.3.2.26'), der.null()),
    der.octets(createHash('sha1').update(cert.issuer).digest()),
    der.octets(createHash('sha1').update(issuerKey).digest()),
    cert.serialDer,
  );
  return der.seq(der.seq(der.seq(der.seq(certId))));
}

async function fetchOcsp(url: string, body: Uint8Array, timeoutMs: number): Promise<Uint8Array | undefined> {
  try {
    const res = await fetchReconnecting(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/ocsp-request', Accept: 'application/ocsp-response' },
      body: Buffer.from(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetches OCSP (preferred) or else the CRL for the signer and each intermediate CA of `chain`
 * (signer first, root last or absent). Answers that do not verify against the issuer are dropped.
 * Call it after the signature timestamp, as PAdES B-LT expects.
 */
export async function fetchRevocationData(o: {
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
  timeoutMs?: number;
}): Promise<RevocationData> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const path = [o.certificate, ...o.chain].map(parseCertificate);
  const data: RevocationData = { ocsps: [], crls: [], statuses: [] };
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i] as ParsedCertificate;
    const issuer = path[i + 1] as ParsedCertificate;
    let status: RevocationStatus | undefined;
    for (const url of ocspUris(cert)) {
      const response = await fetchOcsp(url, ocspRequest(cert, issuer), timeoutMs);
      status = response ? checkOcsp(response, cert, issuer) : undefined;
      if (status && response) {
        data.ocsps.push(response);
        break;
      }
    }
    if (!status) {
      for (const url of crlDistributionUris(cert)) {
        const crl = await fetchCrlOverHttp(url, { timeoutMs });
        status = crl ? checkCrl(crl, cert, issuer) : undefined;
        if (status && crl) {
          data.crls.push(crl);
          break;
        }
      }
    }
    data.statuses.push({
      subject: formatName(cert.subject),
      status: status ?? { status: 'unknown', reason: 'no OCSP or CRL answer' },
    });
  }
  return data;
}
