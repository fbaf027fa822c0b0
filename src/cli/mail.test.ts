import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { type SmtpSink, startSmtpSink } from '../../test/support/smtp-sink.js';
import { makeTestPdf } from '../../test/support/test-pdf.js';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

describe('paraphe send', () => {
  let sink: SmtpSink;
  let dir: string;
  before(async () => {
    sink = await startSmtpSink();
    dir = await mkdtemp(path.join(tmpdir(), 'paraphe-send-'));
  });
  after(async () => {
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('submits a MIME message with the PDF attached to To and Cc, from the given sender', async () => {
    const pdf = await makeTestPdf();
    await writeFile(path.join(dir, 'contrat.pdf'), pdf);
    // The CLI runs in a child process; the sink answers from this one, so wait without blocking.
    const args = ['--import', 'tsx', 'src/main.ts', 'send', '--server', `127.0.0.1:${sink.port}`];
    args.push('--from', 'demo@paraphe.test', '--to', 'bob@example.test', '--cc', 'carol@example.test');
    args.push('--subject', 'Contrat *SIGN', '--attach', path.join(dir, 'contrat.pdf'), '--body', 'Merci');
    const child = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, args, { cwd: root });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      proc.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      proc.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    const result = await child;
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /sent to bob@example\.test, carol@example\.test/);
    const [got] = sink.messages;
    assert.equal(got?.from, 'demo@paraphe.test');
    assert.deepEqual(got?.to, ['bob@example.test', 'carol@example.test']);
    const parsed = await simpleParser(got?.raw ?? Buffer.alloc(0));
    assert.equal(parsed.subject, 'Contrat *SIGN');
    assert.equal(parsed.text?.trim(), 'Merci');
    const attachment = parsed.attachments.find((a) => a.filename === 'contrat.pdf');
    assert.deepEqual(attachment?.content, Buffer.from(pdf));
  });
});
