import { randomBytes } from 'node:crypto';
import type { TimestampClient } from '../pdf/pades/index.js';
import {
  checkTimestampToken,
  child,
  children,
  decodeInteger,
  decodeString,
  der,
  extendedKeyUsages,
  OID,
  parseCertificate,
  rawOf,
  readTlv,
} from '../pdf/pades/index.js';
import { AppError } from '../shared/errors.js';
import { fetchReconnecting } from './http-fetch.js';

export interface TsaClientOptions {
  /** Authorities in order of preference; the next one is tried when one fails. */
  urls: readonly string[];
  /** Rounds over the whole list before giving up (default 3). */
  rounds?: number;
  /** Wait before round n+1 is n × this (default 1000 ms). */
  retryDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called once per failed attempt (URL and reason; never key material). */
  onFailure?: (failure: { url: string; reason: string }) => void;
}

const statusText: Record<number, string> = {
  2: 'rejection',
  3: 'waiting',
  4: 'revocationWarning',
  5: 'revocationNotification',
};

function buildRequest(imprint: Uint8Array, nonce: bigint): Uint8Array {
  return der.seq(
    der.int(1),
    der.seq(der.seq(der.oid(OID.sha256)), der.octets(imprint)),
    der.int(nonce),
    der.bool(true),
  );
}

/** Reads a TimeStampResp and returns the token after checking status, imprint, nonce and the TSA signature. */
export function readTimestampResponse(
  response: Uint8Array,
  expected: { imprint: Uint8Array; nonce: bigint },
): Uint8Array {
  const resp = readTlv(response, 0);
  const [statusInfo, tokenNode] = children(resp);
  if (!statusInfo) throw new Error('empty TimeStampResp');
  const status = Number(decodeInteger(child(statusInfo, 0)));
  if (status !== 0 && status !== 1) {
    const text = children(statusInfo)[1];
    const detail = text
      ? children(text)
          .map((s) => decodeString(s))
          .join('; ')
      : '';
    throw new Error(
      `TSA refused: status ${status} (${statusText[status] ?? 'unknown'})${detail ? `: ${detail}` : ''}`,
    );
  }
  if (!tokenNode) throw new Error('TSA granted but sent no token');
  const token = new Uint8Array(rawOf(tokenNode));
  const check = checkTimestampToken(token, {
    digestOf: (hash) => (hash === 'sha256' ? expected.imprint : new Uint8Array(0)),
  });
  if (!check.isImprintMatching) throw new Error('TSA token is over another imprint');
  if (check.nonce !== expected.nonce)
    throw new Error('TSA token nonce differs from the request (replayed or foreign answer)');
  if (!check.isSignatureValid)
    throw new Error(`TSA token signature does not verify: ${check.problems.join('; ')}`);
  if (
    check.tsaCertificate &&
    !extendedKeyUsages(parseCertificate(check.tsaCertificate)).includes(OID.ekuTimeStamping)
  )
    throw new Error('TSA certificate lacks the timeStamping extended key usage');
  return token;
}

async function requestOnce(o: {
  url: string;
  imprint: Uint8Array;
  fetchImpl: typeof fetch;
  timeoutMs: number;
}): Promise<Uint8Array> {
  const nonce = BigInt(`0x${randomBytes(8).toString('hex')}`);
  const res = await o.fetchImpl(o.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
    body: Buffer.from(buildRequest(o.imprint, nonce)),
    signal: AbortSignal.timeout(o.timeoutMs),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  // A token with its chain is a few KB; anything huge is not an answer we want to parse.
  if (body.length > 256 * 1024) throw new Error(`answer of ${body.length} bytes is too large`);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/timestamp-reply') throw new Error(`unexpected content type ${type || '(none)'}`);
  return readTimestampResponse(body, { imprint: o.imprint, nonce });
}

/**
 * An RFC 3161 client over HTTP with failover and retries. When every authority fails every round
 * it throws TSA_UNAVAILABLE (kind 'unavailable', so the seal job retries later): a time is never made up.
 */
export function createTsaClient(o: TsaClientOptions): TimestampClient {
  if (o.urls.length === 0) throw new Error('createTsaClient needs at least one URL');
  const rounds = o.rounds ?? 3;
  const fetchImpl = o.fetch ?? fetchReconnecting;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const retryDelayMs = o.retryDelayMs ?? 1000;
  return {
    async timestamp(imprint) {
      if (imprint.length !== 32) throw new Error('imprint must be a SHA-256 digest');
      const reasons: string[] = [];
      for (let round = 0; round < rounds; round++) {
        if (round > 0 && retryDelayMs > 0) await new Promise((r) => setTimeout(r, retryDelayMs * round));
        for (const url of o.urls) {
          try {
            return await requestOnce({ url, imprint, fetchImpl, timeoutMs });
          } catch (error) {
            const reason =
              error instanceof Error
                ? error.cause instanceof Error
                  ? `${error.message}: ${error.cause.message}`
                  : error.message
                : String(error);
            reasons.push(`${url}: ${reason}`);
            o.onFailure?.({ url, reason });
          }
        }
      }
      throw new AppError(
        'TSA_UNAVAILABLE',
        `no timestamp authority answered (${rounds} round(s)): ${reasons.slice(-o.urls.length).join(' | ')}`,
        {
          details: { urls: o.urls.join(','), attempts: reasons.length },
        },
      );
    },
  };
}
