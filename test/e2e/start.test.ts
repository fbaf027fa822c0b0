import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runParaphe, spawnParaphe } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

describe('paraphe start on embedded defaults', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-start-'));
  const env = {
    PARAPHE_DATA_DIR: dataDir,
    PARAPHE_HTTP_PORT: '0',
    PARAPHE_LMTP_PORT: '0',
    PARAPHE_SMTP_PORT: '0',
    PARAPHE_LOG_LEVEL: 'warn',
  };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts every role, creates the demo mailbox, refuses a second process, and stops cleanly on SIGTERM', async () => {
    const service = spawnParaphe(['start'], env);
    const web = await waitFor(() => service.output().stderr.match(/web: (http:\/\/[\d.]+:\d+)/)?.[1], {
      timeoutMs: 60_000,
      what: 'the start banner',
    });
    const banner = service.output().stderr;
    assert.match(banner, /Dev mode is ON/);
    assert.match(banner, /\/dev\/mail/);
    assert.match(banner, /demo mailbox created: demo@paraphe\.test/);
    const ready = await fetch(`${web}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${web}/dev/mail`)).status, 200);

    const second = runParaphe(['account', 'list'], env);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /in use by process \d+/);

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);

    const list = runParaphe(['account', 'list'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /demo@paraphe\.test/);
  });

  it('manages accounts, mailboxes and subscriptions from the command line', () => {
    const created = runParaphe(
      [
        'account',
        'create',
        '--name',
        'Cabinet Dupont',
        '--mailbox',
        'marie@dupont.fr',
        '--until',
        '2027-06-30',
      ],
      env,
    );
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /marie@dupont\.fr/);
    assert.equal(runParaphe(['mailbox', 'add', 'Cabinet Dupont', 'paul@dupont.fr'], env).status, 0);
    const taken = runParaphe(['mailbox', 'add', 'Cabinet Dupont', 'paul@dupont.fr'], env);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /MAILBOX_TAKEN/);
    assert.equal(
      runParaphe(['account', 'subscription', 'marie@dupont.fr', '--until', '2028-01-31'], env).status,
      0,
    );
    const list = JSON.parse(runParaphe(['account', 'list', '--json'], env).stdout) as Array<{
      name: string;
      mailboxes: string[];
      subscriptionUntil: string;
    }>;
    const dupont = list.find((a) => a.name === 'Cabinet Dupont');
    assert.deepEqual(dupont?.mailboxes, ['marie@dupont.fr', 'paul@dupont.fr']);
    assert.equal(dupont?.subscriptionUntil, '2028-01-31');
    const bad = runParaphe(['account', 'subscription', 'marie@dupont.fr', '--until', '31/01/2028'], env);
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      /--until "31\/01\/2028": not a day that exists \(YYYY-MM-DD\) \[CLI_ARGUMENT_INVALID\]/,
    );
    assert.match(runParaphe(['jobs', 'list', '--failed'], env).stdout, /no failed job/);
    assert.equal(runParaphe(['jobs', 'retry', '00000000-0000-4000-8000-000000000000'], env).status, 1);
    assert.match(runParaphe(['migrate'], env).stdout, /up to date/);
  });

  it('lists every configuration problem at once and exits non-zero', () => {
    const result = runParaphe(['start'], { ...env, PARAPHE_HTTP_PORT: 'eighty', PARAPHE_DEV: 'maybe' });
    assert.equal(result.status, 78);
    assert.match(result.stderr, /PARAPHE_HTTP_PORT/);
    assert.match(result.stderr, /PARAPHE_DEV/);
  });

  it('documents every command with --help', () => {
    for (const args of [[], ['start'], ['account', 'create'], ['mailbox', 'add'], ['jobs', 'retry']]) {
      const help = runParaphe([...args, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Usage: paraphe/);
    }
  });
});
