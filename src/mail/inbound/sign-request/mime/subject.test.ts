import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import libmime from 'libmime';
import { rewriteSubjectField, stripMarker, subjectHasMarker } from './subject.js';

const field = (s: string) => Buffer.from(s, 'latin1');
const decodeField = (b: Buffer) =>
  libmime.decodeWords(
    b
      .toString('utf8')
      .replace(/^Subject:\s*/, '')
      .replace(/\r?\n(?=[ \t])/g, ''),
  );

describe('subject marker', () => {
  it('finds the marker whatever its case and strips it with its spaces', () => {
    assert.equal(subjectHasMarker('Contrat *sign', '*SIGN'), true);
    assert.equal(subjectHasMarker('Contrat SIGN', '*SIGN'), false);
    assert.equal(stripMarker('*SIGN  Contrat de vente', '*SIGN'), 'Contrat de vente');
    assert.equal(stripMarker('Contrat *SIGN de vente', '*SIGN'), 'Contrat de vente');
  });

  it('cuts a plain marker out of a folded Subject and keeps the folding', () => {
    const out = rewriteSubjectField(
      field('Subject: Un contrat assez long pour\r\n etre plie *SIGN sur deux lignes'),
      '*SIGN',
      '\r\n',
    );
    assert.equal(
      out?.toString('latin1'),
      'Subject: Un contrat assez long pour\r\n etre plie sur deux lignes',
    );
  });

  it('re-encodes a Subject whose marker sits inside an encoded word', () => {
    const encoded = libmime.encodeWords('Contrat signé *SIGN', 'Q', 0);
    const out = rewriteSubjectField(field(`Subject: ${encoded}`), '*SIGN', '\r\n');
    assert.ok(out);
    assert.equal(decodeField(out), 'Contrat signé');
    assert.ok(
      out
        .toString('latin1')
        .split('\r\n')
        .every((line) => line.length <= 78),
    );
  });

  it('keeps encoded words intact when the marker is plain text beside them', () => {
    const out = rewriteSubjectField(field('Subject: =?utf-8?q?Caf=C3=A9?= *SIGN'), '*SIGN', '\r\n');
    assert.equal(out?.toString('latin1'), 'Subject: =?utf-8?q?Caf=C3=A9?=');
  });

  it('leaves a Subject without the marker alone', () => {
    assert.equal(rewriteSubjectField(field('Subject: Bonjour'), '*SIGN', '\r\n'), null);
  });
});
