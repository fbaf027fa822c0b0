import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { openDb } from '../../src/db/index.js';
import { runParaphe } from '../support/cli.js';
import { makeTestPdf } from '../support/make-pdf.js';
import {
  linkIn,
  openBrowser,
  type RunningParaphe,
  screenshot,
  sendSignRequest,
  seriousViolations,
  startParaphe,
  waitForMail,
} from './signing-support.js';

/** Decline, expiry and cancellation, each a clear page; the sender told by mail. */
describe('signing states, end to end in Chromium', { timeout: 300_000 }, () => {
  let svc: RunningParaphe;
  let phone: BrowserContext;
  const links: Record<string, string> = {};

  before(async () => {
    svc = await startParaphe({ PARAPHE_SIGNING_SWEEP_SECONDS: '1' });
    const file = path.join(svc.dir, 'bail.pdf');
    mkdirSync(svc.dir, { recursive: true });
    writeFileSync(file, await makeTestPdf({ pages: 1, title: 'Bail' }));
    sendSignRequest(svc, {
      to: ['carol@example.test', 'dave@example.test'],
      subject: '*SIGN Bail commercial',
      attach: [file],
    });
    sendSignRequest(svc, { to: ['frank@example.test'], subject: '*SIGN Devis travaux', attach: [file] });
    sendSignRequest(svc, { to: ['gina@example.test'], subject: '*SIGN Avenant', attach: [file] });
    for (const [who, subject] of [
      ['carol', /Bail/],
      ['dave', /Bail/],
      ['frank', /Devis/],
      ['gina', /Avenant/],
    ] as const)
      links[who] = linkIn(await waitForMail(svc, `${who}@example.test`, subject));
    phone = await openBrowser('phone');
  });

  after(async () => {
    await phone?.close();
    await svc?.stop();
  });

  it('shows the signing page in English with the switch, without serious accessibility issues', async () => {
    const page = await phone.newPage();
    await page.goto(`${links.frank}?lang=en`);
    await page.locator('#signing-app[data-ready="true"]').waitFor();
    await page.getByRole('heading', { name: 'Sign the documents' }).waitFor();
    await screenshot(page, 'frank-english-phone');
    assert.deepEqual(await seriousViolations(page), []);
    await page.close();
  });

  it('lets Carol decline with a reason: her page says so, the sender is told, Dave sees it is closed', async () => {
    const page = await phone.newPage();
    await page.goto(`${links.carol}?lang=fr`);
    await page.locator('#signing-app[data-ready="true"]').waitFor();
    await page.locator('details.decline summary').tap();
    await page.locator('#decline-reason').fill('Le loyer ne correspond pas à notre accord.');
    await screenshot(page, 'carol-declining');
    await Promise.all([page.waitForURL(links.carol as string), page.locator('details.decline button').tap()]);
    await page.getByRole('heading', { name: 'Demande refusée' }).waitFor();
    await screenshot(page, 'carol-declined');
    assert.deepEqual(await seriousViolations(page), []);
    const mail = await waitForMail(svc, 'demo@paraphe.test', /carol@example\.test a refusé de signer/);
    assert.match(mail.text, /Le loyer ne correspond pas à notre accord\./);
    await page.goto(links.dave as string);
    await page.getByRole('heading', { name: 'Demande refusée' }).waitFor();
    await page.close();
  });

  it('refuses a POST without the CSRF token', async () => {
    const res = await fetch(`${links.gina}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ phone: '0612345678' }),
    });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SIGNING_CSRF_INVALID');
  });

  it('answers an unknown link with a clear 404 page', async () => {
    const page = await phone.newPage();
    const response = await page.goto(`${svc.web}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(response?.status(), 404);
    assert.match(String(await page.locator('main').textContent()), /Ce lien de signature n’existe pas/);
    await page.close();
  });

  it('shows an expired link as expired, and tells the sender; a cancelled one as cancelled', async () => {
    // Time travel for the running service is not possible: stop it, move the expiry date of
    // Frank's envelope into the past, cancel Gina's with the operator command, start again.
    await svc.stop();
    const db = await openDb({
      pglitePath: path.join(String(svc.env.PARAPHE_DATA_DIR), 'pglite'),
      poolSize: 1,
    });
    const { rows } = await db.query<{ id: string; subject: string }>('SELECT id, subject FROM envelopes');
    await db.query(
      `UPDATE envelopes SET expires_at = now() - interval '1 day' WHERE subject = 'Devis travaux'`,
    );
    await db.close();
    const gina = rows.find((r) => r.subject === 'Avenant');
    assert.ok(gina);
    const cancel = runParaphe(['envelope', 'cancel', gina.id], svc.env);
    assert.equal(cancel.status, 0, cancel.stderr);
    await svc.restart();

    const page = await phone.newPage();
    await page.goto(`${links.frank}?lang=fr`);
    await page.getByRole('heading', { name: 'Ce lien a expiré' }).waitFor();
    await screenshot(page, 'frank-expired');
    assert.deepEqual(await seriousViolations(page), []);
    await waitForMail(svc, 'demo@paraphe.test', /Demande expirée\u00a0: Devis travaux/);
    await waitForMail(svc, 'demo@paraphe.test', /Demande annulée\u00a0: Avenant/);
    await page.goto(links.gina as string);
    await page.getByRole('heading', { name: 'Demande annulée' }).waitFor();
    await screenshot(page, 'gina-cancelled');
    await page.close();
  });
});
