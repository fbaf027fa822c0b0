import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnParaphe } from '../../test/support/cli.js';

async function paraphe(args: string[], env: NodeJS.ProcessEnv) {
  const run = spawnParaphe(args, env);
  const status = await run.exited;
  return { status, ...run.output() };
}

describe('paraphe credit, account show, ledger, billing check', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'paraphe-billing-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { PARAPHE_DATA_DIR: path.join(dataDir, 'data'), PARAPHE_LOG_LEVEL: 'silent' };

  it('credits once per reference and shows the balance, the ledger and a clean reconciliation', async () => {
    const created = await paraphe(
      ['account', 'create', '--name', 'Cabinet Roux', '--mailbox', 'anne@roux.fr'],
      env,
    );
    assert.equal(created.status, 0, created.stderr);
    const credit = ['credit', 'anne@roux.fr', '12,50', '--reference', 'VIR-778', '--reason', 'virement'];
    const first = await paraphe(credit, env);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /credited €12\.50 to Cabinet Roux \(reference VIR-778\); balance €12\.50/);
    const second = await paraphe(credit, env);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /already credited .*nothing changed/);
    const wrong = await paraphe(['credit', 'anne@roux.fr', '-3', '--reference', 'X'], env);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /<amount>: not an amount of euros .*\[CLI_ARGUMENT_INVALID\]/);

    const shown = await paraphe(['account', 'show', 'Cabinet Roux'], env);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /balance: €12\.50 excl\. VAT/);
    assert.match(shown.stdout, /available: €12\.50/);
    assert.match(shown.stdout, /signatures received in the last 30 days: 0 \(9 free left\)/);

    const ledger = await paraphe(['ledger', 'anne@roux.fr'], env);
    assert.equal(ledger.status, 0, ledger.stderr);
    assert.match(ledger.stdout, /^1\s+\S+\s+credit\s+€12\.50\s+€12\.50\s+€0\.00\s+virement\s+VIR-778$/m);
    assert.equal(ledger.stdout.trim().split('\n').length, 2, 'one entry under the header');

    const check = await paraphe(['billing', 'check'], env);
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /1 accounts, 1 entries: the ledger agrees/);
  });
});
