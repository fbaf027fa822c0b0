import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { runParaphe } from '../support/cli.js';
import { makeTestPdf } from '../support/make-pdf.js';
import {
  artifactsDir,
  devMails,
  drawWithFinger,
  drawWithMouse,
  inkInside,
  linkIn,
  openBrowser,
  type RunningParaphe,
  saveAttachment,
  screenshot,
  sendSignRequest,
  seriousViolations,
  stampRectInPoints,
  startParaphe,
  waitForCode,
  waitForMail,
} from './signing-support.js';

const A4_WIDTH = 595.28;

/**
 * The whole signing flow, from a real *SIGN mail into the running service to the sealed PDF in
 * the dev mailbox: Alice on a desktop with a mouse, Bob on a 360x640 phone with his finger.
 */
describe('signing, end to end in Chromium', { timeout: 300_000 }, () => {
  let svc: RunningParaphe;
  let desktop: BrowserContext;
  let phone: BrowserContext;
  let aliceLink: string;
  let bobFirstLink: string;
  const placed: Record<
    string,
    { page: number; rect: { x: number; y: number; width: number; height: number } }
  > = {};

  before(async () => {
    rmSync(artifactsDir, { recursive: true, force: true });
    mkdirSync(artifactsDir, { recursive: true });
    svc = await startParaphe();
    const files = path.join(svc.dir, 'files');
    mkdirSync(files);
    writeFileSync(path.join(files, 'contrat.pdf'), await makeTestPdf({ pages: 3, title: 'Contrat' }));
    writeFileSync(path.join(files, 'annexe.pdf'), await makeTestPdf({ pages: 1, title: 'Annexe' }));
    sendSignRequest(svc, {
      to: ['alice@example.test', 'bob@example.test'],
      subject: '*SIGN Contrat de prestation',
      attach: [path.join(files, 'contrat.pdf'), path.join(files, 'annexe.pdf')],
    });
    desktop = await openBrowser('desktop');
    phone = await openBrowser('phone');
  });

  after(async () => {
    await desktop?.close();
    await phone?.close();
    await svc?.stop();
  });

  it('gives each signer their link in their copy of the message', async () => {
    aliceLink = linkIn(await waitForMail(svc, 'alice@example.test', /Contrat de prestation/));
    bobFirstLink = linkIn(await waitForMail(svc, 'bob@example.test', /Contrat de prestation/));
    assert.notEqual(aliceLink, bobFirstLink);
  });

  it('tells Bob it is not his turn yet, naming who signs first', async () => {
    const page = await phone.newPage();
    await page.goto(bobFirstLink);
    await assert.doesNotReject(
      page.getByRole('heading', { name: 'Ce n’est pas encore votre tour' }).waitFor(),
    );
    assert.match(
      String(await page.locator('main').textContent()),
      /En attente de la signature de alice@example\.test/,
    );
    await screenshot(page, 'bob-not-yet');
    assert.deepEqual(await seriousViolations(page), []);
    await page.close();
  });

  it('lets Alice draw with the mouse, place on both documents, confirm her phone and sign', async () => {
    const page = await desktop.newPage();
    // Every failed request but the two refusals this test provokes (wrong code, resend too soon).
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Console warnings and errors too (an unused preload, the favicon): the provoked refusals
    // only show there as the browser's "Failed to load resource" lines for their 400/429.
    page.on('console', (m) => {
      if (['error', 'warning'].includes(m.type()) && !/status of (400|429)\b/.test(m.text()))
        errors.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !/\/code(\/check)?$/.test(r.url())) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(aliceLink);
    await page.locator('#signing-app[data-ready="true"]').waitFor();
    await page.locator('.doc').first().locator('.page[data-page="1"][data-rendered="true"]').waitFor();
    await screenshot(page, 'alice-opened');
    assert.deepEqual(await seriousViolations(page), []);

    await drawWithMouse(page);
    // Placing before signing works; page 2 of the contract, then the annex's only page.
    const contract = page.locator('.doc').nth(0);
    const sheet2 = contract.locator('.page[data-page="2"] .sheet');
    await sheet2.scrollIntoViewIfNeeded();
    const box = await sheet2.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.7);
    placed.alice = {
      page: 2,
      rect: await stampRectInPoints(page, { docIndex: 0, pageNumber: 2, pageWidthPt: A4_WIDTH }),
    };
    await page.locator('.doc').nth(1).locator('.place-here').first().click();
    assert.match(String(await contract.locator('.doc-status').textContent()), /1 signature/);
    await screenshot(page, 'alice-drawn-placed');

    // Signing without a code is refused in the page.
    await page.locator('#sign').click();
    assert.match(String(await page.locator('#sign-error').textContent()), /Confirmez d’abord votre numéro/);

    const since = new Date(Date.now() - 1000);
    await page.locator('#phone').fill('06 12 34 56 78');
    await page.locator('#phone-send').click();
    await page.locator('#code-form:not([hidden])').waitFor();
    const code = await waitForCode(svc, '+33612345678', since);

    // A wrong code first.
    const wrong = code === '000000' ? '111111' : '000000';
    await page.locator('#code').fill(wrong);
    await page.locator('#code-check').click();
    await page.locator('#phone-error:not([hidden])').waitFor();
    assert.match(String(await page.locator('#phone-error').textContent()), /code/i);
    await screenshot(page, 'alice-wrong-code');

    // Resending at once is refused (30 s between sends).
    const resend = await page.evaluate(async () => {
      const app = document.getElementById('signing-app') as HTMLElement;
      const res = await fetch(`${app.dataset.base}/code`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': app.dataset.csrf ?? '',
          accept: 'application/json',
        },
        body: JSON.stringify({ phone: '0612345678' }),
      });
      return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
    });
    assert.equal(resend.status, 429);
    assert.equal(resend.body.error?.code, 'SMS_RESEND_TOO_SOON');

    await page.locator('#code').fill(code);
    await page.locator('#code-check').click();
    await page.locator('#code-ok:not([hidden])').waitFor();
    // The refusal shown before the phone was confirmed does not linger once it is.
    assert.equal(await page.locator('#sign-error').isHidden(), true);
    await page.locator('#consent').check();
    await screenshot(page, 'alice-ready');
    await Promise.all([page.waitForURL(/done=1/), page.locator('#sign').click()]);
    await page.getByRole('heading', { name: 'Merci, c’est signé' }).waitFor();
    const aliceDone = String(await page.locator('main').textContent());
    assert.match(aliceDone, /\(1 signature sur 2\)/);
    assert.match(aliceDone, /quand tout le monde aura signé/);
    await screenshot(page, 'alice-signed');
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('tells the sender "alice@… a signé — 1/2" and mails Bob his turn', async () => {
    const progress = await waitForMail(svc, 'demo@paraphe.test', /alice@example\.test a signé \(1\/2\)/);
    assert.match(progress.text, /alice@example\.test a signé — 1\/2/);
    const turn = await waitForMail(svc, 'bob@example.test', /À vous de signer/);
    assert.match(linkIn(turn), /\/s\//);
  });

  it('lets Bob sign on a phone with his finger, and signs once on a double submit', async () => {
    const page = await phone.newPage();
    await page.goto(bobFirstLink);
    await page.locator('#signing-app[data-ready="true"]').waitFor();
    await page.locator('.page[data-page="1"][data-rendered="true"]').first().waitFor();
    await screenshot(page, 'bob-opened-phone');
    await drawWithFinger(page);
    // Turn the phone to landscape and back: the drawing is redrawn, not lost.
    await page.setViewportSize({ width: 640, height: 360 });
    await page.locator('#pad').scrollIntoViewIfNeeded();
    await screenshot(page, 'bob-landscape');
    await page.setViewportSize({ width: 360, height: 640 });
    const contract = page.locator('.doc').nth(0);
    const sheet1 = contract.locator('.page[data-page="1"] .sheet');
    await sheet1.scrollIntoViewIfNeeded();
    const box = await sheet1.boundingBox();
    assert.ok(box);
    await page.touchscreen.tap(box.x + box.width * 0.6, box.y + box.height * 0.85);
    placed.bob = {
      page: 1,
      rect: await stampRectInPoints(page, { docIndex: 0, pageNumber: 1, pageWidthPt: A4_WIDTH }),
    };
    await page.locator('.doc').nth(1).locator('.place-here').first().tap();
    await screenshot(page, 'bob-drawn-placed-phone');
    assert.deepEqual(await seriousViolations(page), []);

    const since = new Date(Date.now() - 1000);
    await page.locator('#phone').fill('07 81 23 45 42');
    await page.locator('#phone-send').tap();
    await page.locator('#code-form:not([hidden])').waitFor();
    await page.locator('#code').fill(await waitForCode(svc, '+33781234542', since));
    await page.locator('#code-check').tap();
    await page.locator('#code-ok:not([hidden])').waitFor();
    await page.locator('#consent').check();
    await screenshot(page, 'bob-ready-phone');

    // The page's submit and a replay of the same request, in flight together: one Signature.
    const cookies = (await phone.cookies(svc.web)).map((c) => `${c.name}=${c.value}`).join('; ');
    let replayStatus = '';
    await page.route('**/sign', async (route) => {
      const request = route.request();
      const replay = fetch(request.url(), {
        method: 'POST',
        headers: { ...request.headers(), cookie: cookies },
        body: request.postData() ?? '',
      }).then(async (r) => ((await r.json()) as { status: string }).status);
      const [response, replayed] = await Promise.all([route.fetch(), replay]);
      replayStatus = replayed;
      await route.fulfill({ response });
    });
    await page.locator('#sign').tap();
    await page.waitForURL(/done=1/);
    await page.getByRole('heading', { name: 'Merci, c’est signé' }).waitFor();
    // The last signer waits for nobody: the page says the sealed documents are on their way.
    const bobDone = String(await page.locator('main').textContent());
    assert.match(bobDone, /\(2 signatures sur 2\)/);
    assert.match(bobDone, /Tout le monde a signé/);
    assert.doesNotMatch(bobDone, /quand tout le monde aura signé/);
    await screenshot(page, 'bob-signed-phone');
    assert.ok(['signed', 'already-signed'].includes(replayStatus), replayStatus);
    await page.close();
    await waitForMail(svc, 'demo@paraphe.test', /bob@example\.test a signé \(2\/2\)/);
  });

  it('mails the sealed PDFs to the sender and both signers; pdfsig, qpdf and paraphe verify accept them', async () => {
    const recipients = ['demo@paraphe.test', 'alice@example.test', 'bob@example.test'];
    const mails = [];
    for (const to of recipients) mails.push(await waitForMail(svc, to, /Documents signés/));
    for (const mail of mails) assert.equal(mail.attachments.length, 2);
    // The replayed submit queued nothing: one progress mail for Bob's signature.
    const progress = (await devMails(svc)).filter((m) => /bob@example\.test a signé/.test(m.subject));
    assert.equal(progress.length, 1);
    const out = path.join(artifactsDir, 'contrat-signe.pdf');
    await saveAttachment(svc, mails[0] as (typeof mails)[number], 0, out);
    await saveAttachment(
      svc,
      mails[0] as (typeof mails)[number],
      1,
      path.join(artifactsDir, 'annexe-signe.pdf'),
    );

    const pdfsig = spawnSync('pdfsig', [out], { encoding: 'utf8' });
    assert.match(pdfsig.stdout, /Signature Validation: Signature is Valid/);
    assert.match(pdfsig.stdout, /Total document signed/);
    execFileSync('qpdf', ['--check', out]);
    const root = path.join(svc.dir, 'data', 'dev-seal', 'ca.pem');
    const verify = runParaphe(['verify', out, '--trust', root], svc.env);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);

    // Each stamp is where its signer put it.
    for (const who of ['alice', 'bob'] as const) {
      const spot = placed[who];
      assert.ok(spot);
      const ink = inkInside(out, spot);
      assert.ok(ink.inside > 200, `${who}: ink inside ${ink.inside}`);
      assert.ok(ink.outside < ink.inside / 20, `${who}: ink outside ${ink.outside}`);
    }
  });

  it('shows Alice that everyone signed when she opens her link again', async () => {
    const page = await desktop.newPage();
    await page.goto(aliceLink);
    await page.getByRole('heading', { name: 'Vous avez signé' }).waitFor();
    assert.match(String(await page.locator('main').textContent()), /Tout le monde a signé/);
    await screenshot(page, 'alice-completed');
    await page.close();
  });
});
