import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCliInProcess } from '../../test/support/cli.js';
import { refsDir } from '../../test/support/pdf-validate.js';

const work = mkdtempSync(path.join(tmpdir(), 'paraphe-cli-args-'));
after(() => rmSync(work, { recursive: true, force: true }));
const pdf = path.join(refsDir, 'input.pdf');

/** A refusal is one line naming the code, with a failing exit code: never a stack trace. */
function assertRefused(run: { status: number; stderr: string; stdout: string }, expected: RegExp) {
  assert.notEqual(run.status, 0, run.stdout);
  assert.match(run.stderr, /^paraphe: .* \[[A-Z_]+\]\n$/, 'exactly one line, ending with the code');
  assert.match(run.stderr.trimEnd(), expected);
}

// Each row: a command with bad arguments, and what the operator must read. None of them may open
// the database: the data dir stays absent.
const badArguments: Array<[string[], RegExp]> = [
  [
    ['account', 'create', '--name', 'Durand', '--mailbox', 'durand@example.test', '--until', '2027-02-30'],
    /--until "2027-02-30": not a day that exists .*\[CLI_ARGUMENT_INVALID\]$/,
  ],
  [
    [
      'account',
      'create',
      '--name',
      ' ',
      '--mailbox',
      'ok@example.test',
      '--mailbox',
      'nope',
      '--until',
      '2027-13-01',
    ],
    /--name " ": .*; --mailbox "nope": not a mail address; --until "2027-13-01": .*\[CLI_ARGUMENT_INVALID\]$/,
  ],
  [
    ['account', 'create', '--name', 'D', '--mailbox', 'd@example.test', '--mailbox', 'D@example.test'],
    /--mailbox: the same address given twice/,
  ],
  [
    ['account', 'create', '--mailbox', 'a@example.test'],
    /^paraphe: required option '--name <name>' not specified; see --help \[CLI_ARGUMENT_INVALID\]$/,
  ],
  [['account', 'subscription', ' ', '--until', '2027-01-01'], /<account> "": give an account id/],
  [['account', 'subscription', 'Durand', '--until', 'tomorrow'], /--until "tomorrow": not a day/],
  [['account', 'subscription', 'Durand'], /^paraphe: required option '--until/],
  [
    ['mailbox', 'add', 'Durand', 'durand.example.test'],
    /<address> "durand.example.test": not a mail address/,
  ],
  [['mailbox', 'add', 'Durand'], /^paraphe: missing required argument 'address'/],
  [['jobs', 'list', '--limit', 'ten'], /--limit "ten": expected a whole number/],
  [['jobs', 'list', '--limit', '0'], /--limit "0": expected at least 1/],
  [['jobs', 'list', '--bogus'], /^paraphe: unknown option '--bogus'/],
  [['jobs', 'retry', '42'], /<id> "42": not an id/],
  [['envelope', 'cancel', '42'], /<id> "42": not an id/],
  [['envelope', 'reseal', 'abc', '--now'], /<id> "abc": not an id/],
  [['sms', 'test', '0612345678', '--locale', 'de'], /--locale "de": expected one of fr, en/],
  [
    ['sms', 'list', '--signer', 'zz', '--limit', 'x'],
    /--signer "zz": not an id .*; --limit "x": expected a whole number/,
  ],
  [
    ['send', '--from', 'me', '--to', 'b@example.test', '--subject', 's', '--attach', '/nonexistent/a.pdf'],
    /--from "me": not a mail address; --attach "\/nonexistent\/a.pdf": no readable file/,
  ],
  [
    ['send', '--from', 'a@example.test', '--to', 'b@example.test', '--subject', 's', '--server', 'localhost'],
    /--server "localhost": expected host:port/,
  ],
  [['verify', '/nonexistent/x.pdf'], /<file> "\/nonexistent\/x.pdf": no readable file/],
  [
    ['verify', pdf, '--trust', '/nonexistent/root.pem'],
    /--trust "\/nonexistent\/root.pem": no readable file/,
  ],
  [
    ['seal', pdf, '-o', path.join(work, 'out.pdf'), '--page', '0', '--rect', '1,2,3'],
    /--page "0": expected a page number from 1; --rect "1,2,3": expected x,y,w,h/,
  ],
  [
    ['seal', pdf, '-o', '/nonexistent/out.pdf', '--signer-email', 'operator'],
    /--output "\/nonexistent\/out.pdf": its folder does not exist .*; --signer-email "operator": not a mail address/,
  ],
  [['blobs', 'migrate', '--concurrency', 'all'], /--concurrency "all": expected a whole number/],
  [['envelope', 'cancle', '42'], /^paraphe: unknown command 'cancle' \(Did you mean cancel\?\); see --help/],
  [['start', '--roles', 'web,mial'], /--roles "mial": unknown role; use mail,web,worker/],
];

describe('operator commands refuse bad arguments before doing anything', () => {
  const dataDir = path.join(work, 'untouched');
  for (const [args, expected] of badArguments)
    it(`paraphe ${args.join(' ')}`, async () => {
      const run = await runCliInProcess(args, { PARAPHE_DATA_DIR: dataDir });
      assertRefused(run, expected);
      assert.equal(existsSync(dataDir), false, 'nothing opened, nothing written');
    });
});

describe('operator commands on the database', () => {
  const env = { PARAPHE_DATA_DIR: path.join(work, 'data'), PARAPHE_LOG_LEVEL: 'silent' };

  it('an impossible --until creates nothing, so the retry with a right date succeeds', async () => {
    const create = ['account', 'create', '--name', 'Cabinet Durand', '--mailbox', 'durand@example.test'];
    assertRefused(await runCliInProcess([...create, '--until', '2027-02-30'], env), /CLI_ARGUMENT_INVALID/);
    const listed = await runCliInProcess(['account', 'list'], env);
    assert.equal(listed.stdout, 'no account yet\n');
    const retried = await runCliInProcess([...create, '--until', '2027-02-28'], env);
    assert.equal(retried.status, 0, retried.stderr);
    assert.match(retried.stdout, /mailboxes: durand@example\.test\n {2}subscription until: 2027-02-28/);
  });

  it('well-formed ids that match nothing get their not-found code', async () => {
    const id = randomUUID();
    const cases: Array<[string[], RegExp]> = [
      [['account', 'subscription', 'nobody@example.test', '--until', '2027-01-01'], /\[ACCOUNT_NOT_FOUND\]$/],
      [['mailbox', 'add', 'Nobody', 'x@example.test'], /\[ACCOUNT_NOT_FOUND\]$/],
      [['jobs', 'retry', id], /\[JOB_NOT_FOUND\]$/],
      [['envelope', 'cancel', id], /\[ENVELOPE_NOT_FOUND\]$/],
      [['envelope', 'reseal', id], /\[ENVELOPE_NOT_FOUND\]$/],
    ];
    for (const [args, expected] of cases) assertRefused(await runCliInProcess(args, env), expected);
  });
});
