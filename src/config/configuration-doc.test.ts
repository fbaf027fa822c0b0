import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EnvSchema } from './schema.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

describe('configuration reference', () => {
  it('documents every variable the schema reads, and no other', () => {
    const read = Object.keys(EnvSchema.shape).sort();
    const documented = [
      ...new Set([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string)),
    ].sort();
    assert.deepEqual(
      read.filter((name) => !documented.includes(name)),
      [],
      'variables missing from docs/configuration.md',
    );
    assert.deepEqual(
      documented.filter((name) => !read.includes(name)),
      [],
      'documented variables the program does not read',
    );
  });
});
