import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogueEntries } from './index.js';

const NO_BREAK = '[\\u00a0\\u202f]';
/** `: ; ! ?` ending a word (not in 10:25 or a URL) without a no-break space before it. */
const BARE_PUNCTUATION = new RegExp(`(?<!${NO_BREAK})[:;!?](?=\\s|$)`, 'u');
const BARE_GUILLEMET = new RegExp(`«(?!${NO_BREAK})|(?<!${NO_BREAK})»`, 'u');

/** The French sentences that break a rule, each shown with what it should read. */
function offenders(rule: RegExp, fix: (text: string) => string): string[] {
  return catalogueEntries('fr')
    .filter(([, text]) => rule.test(text))
    .map(([key, text]) => `${key}: ${JSON.stringify(fix(text))}`);
}

/**
 * French product text (pages, mails, SMS) is typeset one way. Literal no-break spaces look like
 * spaces in an editor: this test is what keeps them, and prints the corrected sentence to paste.
 */
describe('French typography of the catalogues', () => {
  it('writes the apostrophe ’, never the ASCII one', () => {
    assert.deepEqual(
      offenders(/'/, (text) => text.replace(/'/g, '’')),
      [],
    );
  });

  it('puts a no-break space before : ; ! ? and inside « »', () => {
    const fix = (text: string) =>
      text
        .replace(/ ?([:;!?])(?=\s|$)/g, '\u00a0$1')
        .replace(/« ?/g, '«\u00a0')
        .replace(/ ?»/g, '\u00a0»');
    assert.deepEqual(offenders(BARE_PUNCTUATION, fix), []);
    assert.deepEqual(offenders(BARE_GUILLEMET, fix), []);
  });
});
