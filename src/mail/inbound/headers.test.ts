import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodedSubject, decodeEncodedWords, findHeaderEnd, hasSignMarker, headerValues } from './headers.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('header reading', () => {
  it('finds the end of the header with CRLF or bare LF line endings', () => {
    assert.equal(findHeaderEnd(bytes('A: 1\r\nB: 2\r\n\r\nbody')), 14);
    assert.equal(findHeaderEnd(bytes('A: 1\nB: 2\n\nbody')), 11);
    assert.equal(findHeaderEnd(bytes('A: 1\r\nB: 2\r\n')), -1);
  });

  it('unfolds a folded Subject and decodes adjacent encoded words without the space between them', () => {
    const head = bytes(
      'From: a@x.test\r\nSubject: =?UTF-8?Q?Contrat_sign=C3=A9?=\r\n =?ISO-8859-1?B?IOk=?= *SIGN\r\n\r\n',
    );
    assert.equal(decodedSubject(head), 'Contrat signé é *SIGN');
  });

  it('sees a marker hidden inside an encoded word, in any case', () => {
    const subject = decodeEncodedWords('=?utf-8?B?KlNJR04gY29udHJhdA==?=');
    assert.equal(subject, '*SIGN contrat');
    assert.equal(hasSignMarker('Devis *sign', '*SIGN'), true);
    assert.equal(hasSignMarker('Designer', '*SIGN'), false);
  });

  it('reads raw UTF-8 headers (SMTPUTF8) as UTF-8', () => {
    assert.deepEqual(headerValues(Buffer.from('Subject: Ça *SIGN\r\n\r\n', 'utf8'), 'SUBJECT'), ['Ça *SIGN']);
  });
});
