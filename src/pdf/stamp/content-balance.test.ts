import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSaves } from './content-balance.js';

const count = (text: string) => openSaves(Buffer.from(text, 'latin1'));

describe('openSaves', () => {
  it('counts saves a content stream leaves open', () => {
    assert.equal(count('q 1 0 0 1 5 5 cm q 0 0 m Q'), 1);
    assert.equal(count('q Q q Q'), 0);
  });

  it('ignores q and Q inside strings, names, comments and inline images', () => {
    assert.equal(count('BT (q q \\) q) Tj ET /q gs % q q\n<71> Tj'), 0);
    assert.equal(count('BI /W 1 /H 1 /BPC 8 /CS /G ID qqq EI q'), 1);
  });

  it('treats extra restores as balanced', () => {
    assert.equal(count('Q Q Q q'), 1);
  });
});
