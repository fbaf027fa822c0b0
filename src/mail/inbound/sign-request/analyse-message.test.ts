import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimalPdf } from '../../../../test/support/pdf.js';
import { analyseMessage, looksLikePdf } from './analyse-message.js';

const pdf = minimalPdf('Contrat');
const b64 = (b: Buffer) => (b.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
const mail = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('analyseMessage', () => {
  it('finds a PDF by its content whatever its declared type and name', () => {
    const raw = mail(
      'From: "Alice Martin" <alice@acme.test>',
      'To: Bob <bob@example.org>, carol@example.org',
      'Cc: =?utf-8?q?Dav=C3=AF?= <dave@example.org>',
      'Subject: =?utf-8?q?Contrat_sign=C3=A9?= *SIGN',
      'Message-ID: <abc@acme.test>',
      'Accept-Language: en-US, fr;q=0.5',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Hello',
      '--b',
      'Content-Type: application/octet-stream',
      "Content-Disposition: attachment; filename*=utf-8''scan%C3%A9.bin",
      'Content-Transfer-Encoding: base64',
      '',
      b64(pdf),
      '--b',
      'Content-Type: image/png; name="photo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.from('not a pdf')),
      '--b--',
    );
    const facts = analyseMessage(raw);
    assert.equal(facts.subject, 'Contrat signé *SIGN');
    assert.equal(facts.messageId, '<abc@acme.test>');
    assert.equal(facts.locale, 'en');
    assert.deepEqual(facts.from, { address: 'alice@acme.test', name: 'Alice Martin' });
    assert.deepEqual(
      facts.to.map((a) => a.address),
      ['bob@example.org', 'carol@example.org'],
    );
    assert.deepEqual(facts.cc, [{ address: 'dave@example.org', name: 'Davï' }]);
    assert.deepEqual(
      facts.files.map((f) => [f.fileName, f.isPdf]),
      [
        ['scané.bin', true],
        ['photo.png', false],
      ],
    );
    assert.deepEqual(facts.files[0]?.bytes, pdf);
  });

  it('does not take PDFs from inside an attached message', () => {
    const inner = mail(
      'Subject: old',
      'Content-Type: application/pdf',
      'Content-Transfer-Encoding: base64',
      '',
      b64(pdf),
    );
    const raw = Buffer.concat([
      mail(
        'Subject: x *SIGN',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: message/rfc822',
        '',
        '',
      ),
      inner,
      mail('', '--b--'),
    ]);
    assert.equal(
      analyseMessage(raw).files.some((f) => f.isPdf),
      false,
    );
  });

  it('reads French when the message says nothing about its language', () => {
    assert.equal(analyseMessage(mail('Subject: x', '', 'body')).locale, 'fr');
  });

  it('accepts %PDF- anywhere in the first 1024 bytes, as readers do, and not later', () => {
    assert.equal(looksLikePdf(Buffer.concat([Buffer.alloc(1000, 32), pdf])), true);
    assert.equal(looksLikePdf(Buffer.concat([Buffer.alloc(1100, 32), pdf])), false);
  });
});
