/**
 * `fetch`, tried a second time when the connection dropped before any answer. Servers close idle
 * keep-alive connections on their own schedule (the test PKI's after each request); the pooled
 * socket then fails the next request with "other side closed" (seen whenever a synchronous step
 * kept the event loop busy past the idle timeout). Only for requests that are safe to send twice:
 * CRL, certificate, OCSP and timestamp requests.
 */
export async function fetchReconnecting(
  url: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (!isDroppedConnection(error) || init.signal?.aborted) throw error;
    return fetch(url, init);
  }
}

function isDroppedConnection(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const cause = error.cause as { code?: string } | undefined;
  return ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED'].includes(cause?.code ?? '');
}
