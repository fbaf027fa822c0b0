import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The first port the kernel hands out to outgoing connections (Linux default 32768). */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > 2048 ? first : 32768;
  } catch {
    return 32768;
  }
}

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A TCP port free right now on loopback, chosen below the ephemeral range. A port from `listen(0)`
 * belongs to that range: while a test has stopped the service that owns it (to restart it, or to
 * kill it mid-request), any outgoing connection on the machine may take it as its local port and
 * the restart fails with EADDRINUSE. Ports below the range are never handed out that way.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralStart();
  const low = Math.max(1024, high - 12_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port found between ${low} and ${high}`);
}
