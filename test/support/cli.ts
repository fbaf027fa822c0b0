import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/run.js';
import { loadConfig } from '../../src/config/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The paraphe program from its TypeScript sources (never a stale build). */
const command = [process.execPath, '--import', 'tsx', `${root}src/main.ts`] as const;

/** Runs a paraphe command to completion. */
export function runParaphe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command[0], [...command.slice(1), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a long-running paraphe command; output is collected in `output()`. */
export function spawnParaphe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcessWithoutNullStreams = spawn(command[0], [...command.slice(1), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Runs a paraphe command in this process (no tsx start-up per case): same program, same
 * configuration reader, with the output captured and the exit turned into a result.
 */
export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  let exitCode: number | undefined;
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    exit: (code) => {
      throw new ExitCalled(code);
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram({ io, getConfig: () => loadConfig({ ...process.env, ...env }) });
  let status: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    status = exitCode ?? 0;
  } catch (error) {
    if (error instanceof ExitCalled) status = error.code;
    else if (error instanceof CommanderError) status = error.exitCode;
    else throw error;
  }
  return { status, stdout, stderr };
}
