import { fetchReconnecting } from './http-fetch.js';

/**
 * Fetches a CRL over HTTP(S) for the verifier (distribution points are plain HTTP by design: CRLs
 * are signed). Returns undefined on any failure: an unreachable CRL makes revocation "unknown",
 * never "good".
 */
export async function fetchCrlOverHttp(
  url: string,
  options: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<Uint8Array | undefined> {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const res = await fetchReconnecting(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    if (!res.ok) return undefined;
    const body = new Uint8Array(await res.arrayBuffer());
    return body.length <= (options.maxBytes ?? 20 * 1024 * 1024) ? body : undefined;
  } catch {
    return undefined;
  }
}
