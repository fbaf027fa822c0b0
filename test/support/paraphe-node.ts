import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/config/index.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** One `paraphe start --roles …` process of a cluster, which a test can kill -9 and start again. */
export interface ParapheNode {
  name: string;
  roles: Role[];
  /** http://127.0.0.1:port when the node has the web role. */
  web: string | null;
  lmtpPort: number;
  smtpPort: number;
  /** Started and ready (not while it is coming up again after a kill). */
  isRunning(): boolean;
  start(): Promise<void>;
  /** SIGKILL: no handler runs, leases and claims stay behind as after a power cut. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (a clean stop). */
  stop(): Promise<void>;
}

/** True once the LMTP/SMTP listener on `port` sends its greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A node on its own free ports and data folder, with `env` on top of this process's environment.
 * Spawned asynchronously: the test process may serve the S3 store and the relay on its event loop.
 */
export async function parapheNode(o: {
  name: string;
  roles: Role[];
  env: NodeJS.ProcessEnv;
}): Promise<ParapheNode> {
  const [http, lmtpPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), `paraphe-node-${o.name}-`));
  const web = o.roles.includes('web') ? `http://127.0.0.1:${http}` : null;
  let child: ChildProcess | null = null;
  let isReadyNow = false;
  let stderr = '';

  const isReady = async (current: ChildProcess) => {
    if (current.exitCode !== null) throw new Error(`node ${o.name} exited (${current.exitCode}): ${stderr}`);
    if (
      web &&
      !(await fetch(`${web}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return false;
    if (o.roles.includes('mail') && !(await greets(lmtpPort))) return false;
    // A worker-only node has no listener: its banner says it is running.
    return stderr.includes('Paraphe is running');
  };

  const end = async (signal: NodeJS.Signals) => {
    const current = child;
    child = null;
    isReadyNow = false;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await exited;
  };

  return {
    name: o.name,
    roles: o.roles,
    web,
    lmtpPort,
    smtpPort,
    isRunning: () => isReadyNow && child !== null && child.exitCode === null,
    async start() {
      stderr = '';
      const current = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'src/main.ts'), 'start', '--roles', o.roles.join(',')],
        {
          cwd: root,
          env: {
            ...process.env,
            ...o.env,
            PARAPHE_DATA_DIR: dataDir,
            PARAPHE_HTTP_PORT: String(http),
            PARAPHE_LMTP_PORT: String(lmtpPort),
            PARAPHE_SMTP_PORT: String(smtpPort),
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child = current;
      current.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[${o.name}] ${chunk}`);
      });
      await waitFor(() => isReady(current), {
        timeoutMs: 90_000,
        intervalMs: 100,
        what: `node ${o.name} to be ready`,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${stderr.slice(-3000)}`, { cause: error.cause });
      });
      isReadyNow = true;
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
