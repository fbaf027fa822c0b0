import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { makeTestPdf } from '../support/make-pdf.js';
import {
  linkIn,
  openBrowser,
  type RunningParaphe,
  screenshot,
  sendSignRequest,
  startParaphe,
  waitForCode,
  waitForMail,
} from './signing-support.js';

/** How a rendered page sits in its frame: the canvas and the width the frame leaves it. */
async function pageFit(page: Page): Promise<{ canvas: number; content: number; overflow: number }> {
  return page.evaluate(() => {
    const frame = document.querySelector('.pages') as HTMLElement;
    const style = getComputedStyle(frame);
    const content =
      frame.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    const canvas = document.querySelector('.page[data-rendered="true"] canvas') as HTMLElement;
    return {
      canvas: canvas.getBoundingClientRect().width,
      content,
      overflow: frame.scrollWidth - frame.clientWidth,
    };
  });
}

/** The signing page's layout and its code step, in Chromium: pages fit, lockout, pasted links. */
describe('signing page, in Chromium', { timeout: 300_000 }, () => {
  let svc: RunningParaphe;
  let link: string;
  const browsers: BrowserContext[] = [];

  before(async () => {
    // A short delay between codes and two attempts per code keep the lockout test quick.
    svc = await startParaphe({ PARAPHE_OTP_RESEND_SECONDS: '10', PARAPHE_OTP_MAX_ATTEMPTS: '2' });
    mkdirSync(svc.dir, { recursive: true });
    const file = path.join(svc.dir, 'mandat.pdf');
    writeFileSync(file, await makeTestPdf({ pages: 2, title: 'Mandat' }));
    sendSignRequest(svc, { to: ['hana@example.test'], subject: '*SIGN Mandat', attach: [file] });
    link = linkIn(await waitForMail(svc, 'hana@example.test', /Mandat/));
  });

  after(async () => {
    for (const b of browsers) await b.close();
    await svc?.stop();
  });

  for (const [kind, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 900 }],
  ] as const)
    it(`fits each rendered page inside its frame at ${viewport.width}x${viewport.height}`, async () => {
      const browser = await openBrowser(kind, { viewport });
      browsers.push(browser);
      const page = await browser.newPage();
      await page.goto(link);
      await page.locator('.page[data-page="1"][data-rendered="true"]').waitFor();
      const fit = await pageFit(page);
      assert.ok(fit.canvas <= fit.content + 0.5, `canvas ${fit.canvas} px in a frame of ${fit.content} px`);
      assert.ok(fit.overflow <= 0, `the frame scrolls sideways by ${fit.overflow} px`);
      // The page still uses the frame: not shrunk to nothing to pass the check above.
      assert.ok(fit.canvas >= fit.content - 2 || fit.canvas >= 890, `canvas ${fit.canvas} of ${fit.content}`);
      await screenshot(page, `fit-${kind}-${viewport.width}`);
      await page.close();
    });

  it('after the wrong-code lockout: confirm disabled, a countdown on "send another code", then a new code works', async () => {
    const browser = await openBrowser('phone', { viewport: { width: 390, height: 844 } });
    browsers.push(browser);
    const page = await browser.newPage();
    await page.goto(link);
    await page.locator('#signing-app[data-ready="true"]').waitFor();
    const since = new Date(Date.now() - 1000);
    await page.locator('#phone').fill('06 12 34 56 78');
    await page.locator('#phone-send').tap();
    await page.locator('#code-form:not([hidden])').waitFor();
    const code = await waitForCode(svc, '+33612345678', since);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 2; i++) {
      await page.locator('#code').fill(wrong);
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/code/check')),
        page.locator('#code-check').tap(),
      ]);
    }
    await page.locator('#code-check:disabled').waitFor();
    assert.match(String(await page.locator('#phone-error').textContent()), /Demandez un nouveau code/);
    assert.equal(await page.locator('#code').isDisabled(), true);
    assert.equal(await page.locator('#code-resend').isDisabled(), true);
    assert.match(String(await page.locator('#code-resend-in').textContent()), /dans \d+ s/);
    await screenshot(page, 'lockout-countdown');
    await page.locator('#code-resend:enabled').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#code-resend-in').isHidden(), true);

    const resentSince = new Date();
    await page.locator('#code-resend').tap();
    await page.locator('#code-check:enabled').waitFor();
    const second = await waitForCode(svc, '+33612345678', resentSince);
    await page.locator('#code').fill(second);
    await page.locator('#code-check').tap();
    await page.locator('#code-ok:not([hidden])').waitFor();
    await page.close();
  });

  it('opens a link pasted with trailing punctuation, and says to copy the whole link when cut short', async () => {
    const browser = await openBrowser('desktop');
    browsers.push(browser);
    const page = await browser.newPage();
    await page.goto(`${link}).`);
    assert.equal(page.url(), link);
    await page.getByRole('heading', { name: 'Signer les documents' }).waitFor();
    const cut = await page.goto(link.slice(0, -30));
    assert.equal(cut?.status(), 404);
    assert.match(String(await page.locator('main').textContent()), /copié en entier/);
    await page.close();
  });
});
