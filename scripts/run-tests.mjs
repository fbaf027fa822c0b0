#!/usr/bin/env node
// Runs node's test runner (with tsx for TypeScript) over test files found under the given folders.
// Node 20's runner does not discover *.test.ts itself. Usage: run-tests.mjs [--db-only] [DIR|FILE]...
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const dbOnly = args.includes('--db-only');
const roots = args.filter((a) => !a.startsWith('--'));
if (roots.length === 0) roots.push('src', 'test');

function collect(entry, out) {
  const st = statSync(entry);
  if (st.isFile()) return void out.push(entry);
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(entry, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (/\.test\.ts$/.test(name)) out.push(full);
  }
}
const files = [];
for (const root of roots) collect(root, files);
// --db-only: the files that touch the database, to run again on a Postgres server.
const selected = dbOnly ? files.filter((f) => /\.db\.test\.ts$/.test(f)) : files;
if (selected.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Spec output for people; a TAP copy to count results, so the test command can print one total.
mkdirSync('.tmp', { recursive: true });
const tapFile = path.join('.tmp', `tests-${process.pid}.tap`);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...selected.sort(),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
if (process.env.TEST_SUMMARY_FILE) {
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  appendFileSync(
    process.env.TEST_SUMMARY_FILE,
    `${JSON.stringify({ pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') })}\n`,
  );
}
rmSync(tapFile, { force: true });
process.exit(result.status ?? 1);
