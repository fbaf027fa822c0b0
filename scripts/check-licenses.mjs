#!/usr/bin/env node
// Fails when a package the product ships (production dependencies, transitively) is not under a
// permissive licence: operators run Paraphe inside their own service, so no (A)GPL code in it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ALLOWED = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
  'CC-BY-4.0',
  'Zlib',
  'PostgreSQL',
]);

function isAllowed(expression) {
  if (!expression) return false;
  const cleaned = expression.replace(/[()]/g, '').trim();
  // "A OR B": one permissive choice is enough; "A AND B": every part must be permissive.
  if (cleaned.includes(' OR ')) return cleaned.split(' OR ').some((part) => isAllowed(part.trim()));
  if (cleaned.includes(' AND ')) return cleaned.split(' AND ').every((part) => isAllowed(part.trim()));
  return ALLOWED.has(cleaned);
}

const tree = JSON.parse(
  execFileSync('npm', ['ls', '--omit=dev', '--all', '--json', '--long'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }),
);
const seen = new Map();
(function walk(node) {
  for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
    if (!dep.path || seen.has(dep.path)) continue;
    let license;
    try {
      const pkg = JSON.parse(readFileSync(path.join(dep.path, 'package.json'), 'utf8'));
      license =
        typeof pkg.license === 'string'
          ? pkg.license
          : (pkg.license?.type ?? pkg.licenses?.map((l) => l.type ?? l).join(' OR '));
    } catch {
      license = undefined;
    }
    seen.set(dep.path, { name, version: dep.version, license });
    walk(dep);
  }
})(tree);

const refused = [...seen.values()].filter((p) => !isAllowed(p.license));
if (refused.length > 0) {
  console.error('Packages shipped with the product under a licence that is not on the permissive list:');
  for (const p of refused) console.error(`  ${p.name}@${p.version}: ${p.license ?? 'no licence field'}`);
  process.exit(1);
}
console.log(`licences: ${seen.size} production packages, all permissive`);
