import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { minimalPdf } from '../../../../../test/support/pdf.js';
import { type LinkBlock, renderTextBlock } from './link-block.js';
import { rewriteMessage } from './rewrite-message.js';

// Classes of real messages that the shared corpus lacks: unusual Content-Type and
// Content-Transfer-Encoding values, and MHTML. Each fixture is a *SIGN request as a mail client
// would send it (a PDF attached); mailparser reads the copy back as a recipient's client would.

const block: LinkBlock = {
  heading: 'Alice Martin (alice@example.org) vous demande de signer : contrat.pdf',
  place: 'Vous êtes la seule personne à signer.',
  linkLabel: 'Signer',
  linkLine: 'Pour signer : https://sign.example.org/s/tok-classes',
  url: 'https://sign.example.org/s/tok-classes',
};
const pdfPart = [
  'Content-Type: application/pdf; name="contrat.pdf"',
  'Content-Disposition: attachment; filename="contrat.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  minimalPdf('Classes').toString('base64'),
];
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(24, 1)]).toString('base64');
const head = ['From: Alice Martin <alice@example.org>', 'To: bob@example.org', 'Subject: Contrat *SIGN'];
const mail = (...lines: string[]) =>
  Buffer.from([...head, 'MIME-Version: 1.0', ...lines, ''].join('\r\n'), 'utf8');

const squash = (text: string) => text.replace(/\s+/g, '');
/** The text a reader sees in HTML (tags, comments and head dropped, a few entities decoded). */
const visible = (html: string) =>
  squash(
    html
      .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(?:[^>"']|"[^"]*"|'[^']*')*>/g, ' ')
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&'),
  );
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Rewrites `raw` and checks what a recipient sees: the block first in the text and in the HTML,
 * then the original text and HTML unchanged, and the same attachments byte for byte.
 */
async function checkCopy(raw: Buffer): Promise<string> {
  const out = rewriteMessage(raw, { marker: '*SIGN', block });
  const before = await simpleParser(raw, { skipImageLinks: true });
  const after = await simpleParser(Buffer.from(out.raw), { skipImageLinks: true });
  const textForms = [
    renderTextBlock(block, '\n'),
    // mailparser's text of the HTML block, when the message has no text/plain to show.
    `${block.heading} ${block.place} ${block.linkLabel} [${block.url}] ${block.url}`,
  ].map(squash);
  const text = squash(after.text ?? '');
  // An HTML-only message stays HTML-only (mailparser then gives no text): the HTML check below.
  if (text !== '' || typeof after.html !== 'string') {
    const form = textForms.find((f) => text.startsWith(f));
    assert.ok(form, `text starts with the block (mode ${out.mode}): ${after.text?.slice(0, 120)}`);
    assert.equal(text.slice(form.length), squash(before.text ?? ''), `rest of the text (mode ${out.mode})`);
  } else assert.equal(squash(before.text ?? ''), '', `no text before either (mode ${out.mode})`);
  if (typeof before.html === 'string') {
    assert.equal(typeof after.html, 'string', 'the HTML is still there');
    const html = visible(typeof after.html === 'string' ? after.html : '');
    const htmlBlock = squash(`${block.heading} ${block.place} ${block.linkLabel} ${block.url}`);
    assert.ok(
      html.startsWith(htmlBlock),
      `HTML starts with the block (mode ${out.mode}): ${html.slice(0, 80)}`,
    );
    assert.equal(html.slice(htmlBlock.length), visible(before.html), `rest of the HTML (mode ${out.mode})`);
  }
  const hashes = (p: typeof before) => p.attachments.map((a) => sha(a.content)).sort();
  assert.deepEqual(hashes(after), hashes(before), 'attachments byte-identical');
  return out.mode;
}

describe('rewriteMessage on unusual MIME', () => {
  const cases: Array<{ name: string; raw: Buffer; mode: string }> = [
    {
      name: 'a multipart/* (wildcard subtype) at the top',
      raw: mail(
        'Content-Type: multipart/*; boundary="w1"',
        '',
        '--w1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour Bob, voici le contrat.',
        '--w1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Bonjour Bob, voici le contrat.</p></body></html>',
        '--w1',
        ...pdfPart,
        '--w1--',
      ),
      mode: 'wrapped',
    },
    {
      name: 'a multipart/* (wildcard subtype) as the first part of multipart/mixed',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m1"',
        '',
        '--m1',
        'Content-Type: multipart/*; boundary="w2"',
        '',
        '--w2',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Bonjour Bob.',
        '--w2--',
        '--m1',
        ...pdfPart,
        '--m1--',
      ),
      mode: 'added',
    },
    {
      name: 'an attachment whose Content-Type has no subtype (application-x-gzip)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m2"',
        '',
        '--m2',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'Logs attached.',
        '--m2',
        'Content-Type: application-x-gzip; name="logs.gz"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('1f8b0800000000000003', 'hex').toString('base64'),
        '--m2',
        ...pdfPart,
        '--m2--',
      ),
      mode: 'edited',
    },
    {
      name: 'a first part whose Content-Type has no subtype (application-x-gzip)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m3"',
        '',
        '--m3',
        'Content-Type: application-x-gzip',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('1f8b0800000000000003', 'hex').toString('base64'),
        '--m3',
        ...pdfPart,
        '--m3--',
      ),
      mode: 'added',
    },
    {
      name: 'a first part typed a bare "text"',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m4"',
        '',
        '--m4',
        'Content-Type: text; charset=us-ascii',
        '',
        'Old-style text.',
        '--m4',
        ...pdfPart,
        '--m4--',
      ),
      mode: 'added',
    },
    {
      name: 'a text part with an unknown transfer encoding (8bits)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m5"',
        '',
        '--m5',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bits',
        '',
        'La réunion est à 10 h — à demain.',
        '--m5',
        ...pdfPart,
        '--m5--',
      ),
      mode: 'added',
    },
    {
      name: 'an HTML-only part with an unknown transfer encoding (8bits)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m6"',
        '',
        '--m6',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: 8bits',
        '',
        '<html><body class="a"><p>La réunion est à 10 h.</p></body></html>',
        '--m6',
        ...pdfPart,
        '--m6--',
      ),
      mode: 'added',
    },
    {
      name: 'multipart/alternative with one part in an unknown transfer encoding (8bits)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m7"',
        '',
        '--m7',
        'Content-Type: multipart/alternative; boundary="a7"',
        '',
        '--a7',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Réunion à 10 h.',
        '--a7',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: 8bits',
        '',
        '<p>Réunion à 10 h.</p>',
        '--a7--',
        '--m7',
        ...pdfPart,
        '--m7--',
      ),
      mode: 'added',
    },
    {
      name: 'an MHTML page (multipart/related, HTML root, quoted-printable, inline image)',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m8"',
        '',
        '--m8',
        'Content-Type: multipart/related; type="text/html";',
        '\tboundary="----=_NextPart_000_0000_01DA0000.00000000"',
        '',
        'This is a multi-part message in MIME format.',
        '',
        '------=_NextPart_000_0000_01DA0000.00000000',
        'Content-Type: text/html;',
        '\tcharset="Windows-1252"',
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Location: http://example.org/',
        '',
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">',
        '<!-- saved from url=3D(0019)http://example.org/ -->',
        '<HTML><HEAD><TITLE>Page</TITLE>',
        '<META content=3D"text/html; charset=3Dwindows-1252" http-equiv=3DContent-Type>',
        '</HEAD>',
        '<BODY bgColor=3D#ffffff onload=3D"if (a>b) go()">',
        '<P>Caf=E9 cr=E8me, voir l\'image&nbsp;:</P><IMG src=3D"cid:img1@x">',
        '</BODY></HTML>',
        '',
        '------=_NextPart_000_0000_01DA0000.00000000',
        'Content-Type: image/png',
        'Content-ID: <img1@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png,
        '------=_NextPart_000_0000_01DA0000.00000000--',
        '--m8',
        ...pdfPart,
        '--m8--',
      ),
      mode: 'edited',
    },
    {
      name: 'multipart/related whose start parameter lacks the angle brackets, root not first',
      raw: mail(
        'Content-Type: multipart/mixed; boundary="m9"',
        '',
        '--m9',
        'Content-Type: multipart/related; type="text/html"; start="root@x"; boundary="r9"',
        '',
        '--r9',
        'Content-Type: image/png',
        'Content-ID: <img1@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png,
        '--r9',
        'Content-Type: text/html; charset=utf-8',
        'Content-ID: <root@x>',
        '',
        '<html><body><p>Bonjour</p><img src="cid:img1@x"></body></html>',
        '--r9--',
        '--m9',
        ...pdfPart,
        '--m9--',
      ),
      mode: 'edited',
    },
    {
      name: 'multipart/related at the top with an HTML root and the PDF inside',
      raw: mail(
        'Content-Type: multipart/related; type="text/html"; boundary="r10"',
        '',
        '--r10',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><title>t</title></head><body><p>Bonjour</p><img src="cid:img1@x"></body></html>',
        '--r10',
        'Content-Type: image/png',
        'Content-ID: <img1@x>',
        'Content-Transfer-Encoding: base64',
        '',
        png,
        '--r10',
        ...pdfPart,
        '--r10--',
      ),
      mode: 'edited',
    },
  ];
  for (const { name, raw, mode } of cases) {
    it(`shows the link first and the rest unchanged: ${name}`, async () => {
      assert.equal(await checkCopy(raw), mode);
    });
  }
});
