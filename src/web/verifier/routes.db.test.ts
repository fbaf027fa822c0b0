import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testEngine } from '../../../test/support/db.js';
import { makeTestPdf } from '../../../test/support/make-pdf.js';
import {
  verifierForm as form,
  sha256Hex as sha,
  type VerifierFixture,
  verifierFixture,
} from '../../../test/support/verification.js';

/** The page's text as a reader sees it (tags dropped, spaces folded). */
const text = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();

describe(`the public verification page /verifier (${testEngine})`, () => {
  let fixture: VerifierFixture;
  let app: VerifierFixture['app'];
  let sealedPdf: Uint8Array;
  let originalSha: string;
  let maxPdfBytes: number;

  before(async () => {
    fixture = await verifierFixture();
    ({ app, sealedPdf, originalSha, maxPdfBytes } = fixture);
  });
  after(async () => fixture.close());

  const post = (o: { pdf?: Uint8Array; sha256?: string }, lang = 'fr') =>
    app.inject({ method: 'POST', url: `/verifier?lang=${lang}`, ...form(o) });

  it('shows the form in French by default, with the English switch, under the strict CSP', async () => {
    const res = await app.inject({ url: '/verifier', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="fr">/);
    assert.match(res.body, /enctype="multipart\/form-data"/);
    assert.match(text(res.body), /Vérifier un document/);
    assert.match(res.body, /href="\/verifier\?lang=en"/);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(res.body, /<script/);
    const en = await app.inject({ url: '/verifier?lang=en' });
    assert.match(text(en.body), /Verify a document/);
  });

  it('fills the hash in from ?sha256= (the evidence page link), and only a well-formed one', async () => {
    const res = await app.inject({ url: `/verifier?sha256=${originalSha.toUpperCase()}` });
    assert.match(res.body, new RegExp(`value="${originalSha}"`));
    const bad = await app.inject({ url: '/verifier?sha256=%22%3E%3Cscript%3E' });
    assert.match(bad.body, /id="verify-sha256"[^>]*value=""/);
  });

  it('says our sealed PDF is intact, sealed by the seal certificate, with its envelope in clear', async () => {
    const res = await post({ pdf: sealedPdf });
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Document intact, scellé par Paraphe/);
    assert.match(page, /Scellé par .*CN=/);
    assert.match(page, /aucune modification depuis le scellement/);
    assert.match(page, /le certificat du sceau est reconnu par ce service/);
    assert.match(page, /Niveau PAdES B-B/);
    assert.match(page, /Contrat verify-1/);
    assert.match(page, /Alice Dupont, bob@example\.test/);
    assert.match(page, /le document scellé/);
    assert.match(page, new RegExp(sha(sealedPdf)));
  });

  it('says so in English too', async () => {
    const page = text((await post({ pdf: sealedPdf }, 'en')).body);
    assert.match(page, /Intact document, sealed by Paraphe/);
    assert.match(page, /PAdES level B-B — basic signature, no timestamp/);
    assert.match(page, /waiting for signatures/);
  });

  it('says a sealed PDF changed after sealing is modified', async () => {
    const tampered = Buffer.from(sealedPdf);
    const mediaBox = /\/MediaBox \[ ?0 0 59/.exec(tampered.toString('latin1'));
    assert.ok(mediaBox, 'a MediaBox to alter');
    // 595.28 → 495.28: the page a signer saw is not the page this file shows any more.
    tampered[mediaBox.index + mediaBox[0].length - 2] = '4'.charCodeAt(0);
    const page = text((await post({ pdf: tampered })).body);
    assert.match(page, /Document modifié après son scellement/);
    assert.match(page, /le contenu a été modifié depuis le scellement/);
    assert.doesNotMatch(page, /Document intact/);
  });

  it('says a PDF of someone else carries no Paraphe seal, and a non-PDF is unreadable', async () => {
    const other = await makeTestPdf({ pages: 1, title: 'Autre' });
    assert.match(
      text((await post({ pdf: other })).body),
      /Ce PDF ne porte pas de sceau Paraphe\. Il ne porte aucune autre signature\./,
    );
    assert.match(
      text((await post({ pdf: new TextEncoder().encode('hello') })).body),
      /n’est pas un PDF lisible/,
    );
  });

  it('finds the envelope of a hash of ours, with the names masked and no subject', async () => {
    const res = await post({ sha256: sha(sealedPdf).toUpperCase() });
    const page = text(res.body);
    assert.match(page, /Ce document est connu de Paraphe/);
    assert.match(page, /A\*\*\* D\*\*\*, b\*\*\*@e\*\*\*/);
    assert.doesNotMatch(page, /Alice|Dupont|bob@|Contrat verify-1|contrat\.pdf/);
    assert.match(page, /le document scellé/);
    const byOriginal = text((await post({ sha256: originalSha })).body);
    assert.match(byOriginal, /l’original envoyé pour signature/);
  });

  it('says an unknown or malformed hash is unknown or malformed, and asks for something when empty', async () => {
    assert.match(
      text((await post({ sha256: 'f'.repeat(64) })).body),
      /Aucun document Paraphe n’a cette empreinte/,
    );
    const bad = await post({ sha256: 'abc' });
    assert.equal(bad.statusCode, 400);
    assert.match(text(bad.body), /64 caractères de 0 à 9/);
    assert.match(text((await post({})).body), /Choisissez un PDF ou saisissez une empreinte/);
  });

  it('refuses a file over the size limit with a clear sentence, just over it or far over it', async () => {
    for (const size of [maxPdfBytes + 1, maxPdfBytes + 200 * 1024]) {
      const res = await post({ pdf: new Uint8Array(size).fill(0x25) });
      assert.equal(res.statusCode, 413, String(size));
      assert.match(text(res.body), /Ce fichier dépasse la taille acceptée \(2 Mo au plus\)/, String(size));
    }
  });

  it('limits the POSTs per IP, with the signing pages’ mechanism', async () => {
    let last = await post({ sha256: 'e'.repeat(64) });
    for (let i = 0; i < 60 && last.statusCode !== 429; i++) last = await post({ sha256: 'e'.repeat(64) });
    assert.equal(last.statusCode, 429);
    assert.ok(Number(last.headers['retry-after']) > 0);
    assert.match(text(last.body), /Trop de demandes/);
  });
});
