import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { type LinkBlock, renderHtmlBlock } from './link-block.js';
import { rewriteMessage } from './rewrite-message.js';

const block: LinkBlock = {
  heading: 'Alice Martin (alice@example.org) vous demande de signer : contrat.pdf',
  place: 'Vous signerez en 2e, après bob@example.org.',
  linkLabel: 'Signer',
  linkLine: 'Pour signer : https://sign.example.org/s/tok123',
  url: 'https://sign.example.org/s/tok123',
};
const textBlock = `${block.heading}\n${block.place}\n${block.linkLine}\n\n`;
const pdfBase64 = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n').toString('base64');

/** Builds a message with CRLF line breaks from lines. */
const mail = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const rewrite = (raw: Buffer, withBlock = true) =>
  rewriteMessage(raw, { marker: '*SIGN', block: withBlock ? block : null });
const parse = (raw: Uint8Array) => simpleParser(Buffer.from(raw));

describe('rewriteMessage', () => {
  it('puts the block first in a plain-text message and removes the marker from the Subject', async () => {
    const raw = mail(
      'From: alice@example.org',
      'To: bob@example.org',
      'Subject: Contrat *SIGN',
      '',
      'Bonjour Bob,',
      'Voici le contrat.',
      '',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'edited');
    const parsed = await parse(out.raw);
    assert.equal(parsed.subject, 'Contrat');
    assert.equal(parsed.text, `${textBlock.replace(/\n/g, '\n')}Bonjour Bob,\nVoici le contrat.\n`);
    assert.match(Buffer.from(out.raw).toString('latin1'), /Content-Transfer-Encoding: quoted-printable\r\n/);
  });

  it('adds a text and HTML first part to an attachment-only message, keeping the PDF byte-identical', async () => {
    const raw = mail(
      'From: alice@example.org',
      'To: bob@example.org',
      'Subject: *SIGN',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: application/pdf; name="contrat.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdfBase64,
      '--b1--',
      '',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'added');
    const parsed = await parse(out.raw);
    assert.ok(parsed.text?.startsWith(textBlock.trimEnd()));
    assert.ok(typeof parsed.html === 'string' && parsed.html.includes(renderHtmlBlock(block)));
    assert.equal(parsed.attachments.length, 1);
    assert.equal(parsed.attachments[0]?.content.toString('base64'), pdfBase64);
    assert.ok(Buffer.from(out.raw).includes(raw.subarray(raw.indexOf('--b1'))));
  });

  it('edits both alternatives of a quoted-printable text and base64 HTML message', async () => {
    const html = '<html><head><title>t</title></head><body class="x"><p>Bonjour</p></body></html>';
    const raw = mail(
      'Subject: Devis =?utf-8?q?sign=C3=A9?= *SIGN',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary=alt',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Une ligne tr=C3=A8s longue qui est coup=C3=A9e par un saut de ligne doux ici =',
      'et qui continue.',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(html).toString('base64'),
      '--alt--',
      '',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'edited');
    const parsed = await parse(out.raw);
    assert.equal(parsed.subject, 'Devis signé');
    assert.equal(
      parsed.text,
      `${textBlock}Une ligne très longue qui est coupée par un saut de ligne doux ici et qui continue.`,
    );
    assert.equal(parsed.html, html.replace('<body class="x">', `<body class="x">${renderHtmlBlock(block)}`));
  });

  it('inserts into HTML without <body> after </head>, and never before a DOCTYPE', async () => {
    for (const [html, expected] of [
      ['<!DOCTYPE html><html><head><title>x</title></head><p>Salut</p></html>', '</head>'],
      ['<!DOCTYPE html><p>Salut</p>', '<!DOCTYPE html>'],
      ['<p>Salut</p>', ''],
    ] as const) {
      const raw = mail('Subject: x *SIGN', 'Content-Type: text/html; charset=utf-8', '', html);
      const parsed = await parse(rewrite(raw).raw);
      const at = expected === '' ? 0 : html.indexOf(expected) + expected.length;
      assert.equal(parsed.html, `${html.slice(0, at)}${renderHtmlBlock(block)}${html.slice(at)}`);
    }
  });

  it('never puts the block inside a tag: ">" in a <body> attribute, <body> in a comment', async () => {
    const html =
      '<html><head><!--[if mso]><body class="mso"><![endif]--></head>' +
      '<body onload="if (a>b) go()" style=\'color:red\'><p>Salut</p></body></html>';
    const raw = mail(
      'Subject: x *SIGN',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      html.replace(/=/g, '=3D').replace('<p>', '=\r\n<p>'),
    );
    const parsed = await parse(rewrite(raw).raw);
    const at = html.indexOf("'>") + 2;
    assert.equal(parsed.html, `${html.slice(0, at)}${renderHtmlBlock(block)}${html.slice(at)}`);
  });

  it('keeps an ISO-8859-1 part in its charset when the block fits it', async () => {
    const raw = mail(
      'Subject: x *SIGN',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Ça coûte 10 €uros? Non: déjà payé.'.replace('€', 'E'),
    );
    const out = rewrite(raw);
    assert.match(Buffer.from(out.raw).toString('latin1'), /charset=iso-8859-1/);
    const parsed = await parse(out.raw);
    assert.equal(parsed.text, `${textBlock}Ça coûte 10 Euros? Non: déjà payé.`);
  });

  it('turns an ISO-2022-JP part into UTF-8 text when the block cannot be written in it', async () => {
    // "日本語" in ISO-2022-JP.
    const jis = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x42]);
    const raw = Buffer.concat([
      mail('Subject: x *SIGN', 'Content-Type: text/plain; charset=ISO-2022-JP', '', ''),
      jis,
    ]);
    const out = rewrite(raw);
    assert.match(Buffer.from(out.raw).toString('latin1'), /charset=utf-8/);
    const parsed = await parse(out.raw);
    assert.equal(parsed.text, `${textBlock}日本語`);
  });

  it('keeps format=flowed and leaves the block as separate lines', async () => {
    const raw = Buffer.from(
      [
        'Subject: x *SIGN',
        'Content-Type: text/plain; charset=utf-8; format=flowed',
        '',
        'Un paragraphe coupé ',
        'en deux lignes.',
      ].join('\r\n'),
      'utf8',
    );
    const out = rewrite(raw);
    assert.match(Buffer.from(out.raw).toString('latin1'), /format=flowed/);
    const parsed = await parse(out.raw);
    assert.equal(parsed.text, `${textBlock}Un paragraphe coupé en deux lignes.`);
  });

  it('wraps an S/MIME-signed message untouched in a new multipart/mixed', async () => {
    const signedBody = [
      '--sig',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Signed text.',
      '--sig',
      'Content-Type: application/pkcs7-signature; name=smime.p7s',
      'Content-Transfer-Encoding: base64',
      '',
      'MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCAMIIC',
      '--sig--',
      '',
    ];
    const raw = mail(
      'From: alice@example.org',
      'Subject: Contrat *SIGN',
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=sig',
      '',
      ...signedBody,
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'wrapped');
    const outText = Buffer.from(out.raw).toString('latin1');
    const signedEntity = mail(
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=sig',
      '',
      ...signedBody,
    ).toString('latin1');
    assert.ok(outText.includes(signedEntity), 'the signed entity is byte-identical');
    const parsed = await parse(out.raw);
    assert.equal(parsed.subject, 'Contrat');
    assert.ok(parsed.text?.startsWith(textBlock.trimEnd()));
    assert.ok(parsed.text?.includes('Signed text.'));
  });

  it('adds a first part beside a signed part that a client attached a PDF to', async () => {
    const raw = mail(
      'Subject: x *SIGN',
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary=s',
      '',
      '--s',
      'Content-Type: text/plain',
      '',
      'PGP-signed text.',
      '--s',
      'Content-Type: application/pgp-signature',
      '',
      '-----BEGIN PGP SIGNATURE-----',
      '--s--',
      '--m',
      'Content-Type: application/pdf',
      'Content-Transfer-Encoding: base64',
      '',
      pdfBase64,
      '--m--',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'added');
    const parsed = await parse(out.raw);
    assert.ok(parsed.text?.startsWith(textBlock.trimEnd()));
    assert.ok(
      Buffer.from(out.raw).includes(raw.subarray(raw.indexOf('--m\r\nContent-Type: multipart/signed'))),
    );
  });

  it('wraps a message whose multipart has no closing boundary', async () => {
    const raw = mail(
      'Subject: x *SIGN',
      'Content-Type: multipart/mixed; boundary=zz',
      '',
      '--zz',
      'Content-Type: text/plain',
      '',
      'Truncated',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'wrapped');
    assert.ok(
      Buffer.from(out.raw).includes(Buffer.from('--zz\r\nContent-Type: text/plain\r\n\r\nTruncated')),
    );
    const parsed = await parse(out.raw);
    assert.ok(parsed.text?.startsWith(textBlock.trimEnd()));
  });

  it('edits the text beside a TNEF winmail.dat and keeps the TNEF bytes', async () => {
    const tnef = Buffer.from([0x78, 0x9f, 0x3e, 0x22, 1, 2, 3, 4]).toString('base64');
    const raw = mail(
      'Subject: x *SIGN',
      'Content-Type: multipart/mixed; boundary=t',
      '',
      '--t',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'See attached.',
      '--t',
      'Content-Type: application/ms-tnef; name="winmail.dat"',
      'Content-Transfer-Encoding: base64',
      '',
      tnef,
      '--t--',
    );
    const out = rewrite(raw);
    assert.equal(out.mode, 'edited');
    const parsed = await parse(out.raw);
    assert.equal(parsed.text, `${textBlock}See attached.`);
    assert.equal(parsed.attachments[0]?.content.toString('base64'), tnef);
  });

  it('gives a Bcc recipient the message with only the marker removed', () => {
    const raw = mail('Subject: Contrat *SIGN', 'X-Other: kept', '', 'Body stays.');
    const out = rewrite(raw, false);
    assert.equal(out.mode, 'subject-only');
    assert.equal(
      Buffer.from(out.raw).toString('latin1'),
      mail('Subject: Contrat', 'X-Other: kept', '', 'Body stays.').toString('latin1'),
    );
  });
});
