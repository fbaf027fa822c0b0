import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../test/support/wait.js';
import { openPglite } from '../db/index.js';

const child = fileURLToPath(new URL('../../test/support/worker-child.ts', import.meta.url));

/** Runs the worker child until its job started, sends SIGTERM, and returns the job row after exit. */
async function sigtermDuringJob(options: { graceSeconds: number; finishAfterSignal: boolean }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'paraphe-sigterm-'));
  try {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(options.graceSeconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('started'), { timeoutMs: 90_000, what: 'the job to start' });
    proc.kill('SIGTERM');
    await waitFor(() => output.includes('stopping'), { what: 'the SIGTERM handler' });
    if (options.finishAfterSignal) writeFileSync(path.join(dir, 'go'), '');
    const code = await exited;
    const db = await openPglite(path.join(dir, 'pglite'));
    const { rows } = await db.query<{ status: string; attempts: number; locked_by: string | null }>(
      'SELECT status, attempts, locked_by FROM jobs',
    );
    await db.close();
    return { code, job: rows[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SIGTERM during a job', () => {
  it('lets the running job finish, then exits cleanly', async () => {
    const { code, job } = await sigtermDuringJob({ graceSeconds: 20, finishAfterSignal: true });
    assert.equal(code, 0);
    assert.equal(job?.status, 'done');
  });

  it('hands the job back to the queue when it outlives the grace period', async () => {
    const { code, job } = await sigtermDuringJob({ graceSeconds: 1, finishAfterSignal: false });
    assert.equal(code, 0);
    assert.equal(job?.status, 'queued');
    assert.equal(job?.attempts, 0, 'an interrupted run does not count as a failed attempt');
    assert.equal(job?.locked_by, null);
  });
});
