import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type VerifierFixture, verifierFixture } from '../support/verification.js';
import { openBrowser, screenshot, seriousViolations } from './signing-support.js';

/** How far the page is wider than the screen (0 when nothing scrolls sideways). */
const sideScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The verification page in Chromium, on a 360x640 phone and a desktop: layout, upload, axe. */
describe('verification page, in Chromium', { timeout: 180_000 }, () => {
  let fixture: VerifierFixture;
  let base: string;
  let sealedFile: string;
  const browsers: BrowserContext[] = [];

  before(async () => {
    fixture = await verifierFixture();
    base = await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    sealedFile = path.join(tmpdir(), `paraphe-verifier-${process.pid}.pdf`);
    writeFileSync(sealedFile, fixture.sealedPdf);
  });
  after(async () => {
    for (const b of browsers) await b.close();
    await fixture?.close();
  });

  for (const kind of ['phone', 'desktop'] as const)
    it(`drops a sealed PDF and reads the verdict, no side scroll, no serious axe violation (${kind})`, async () => {
      const browser = await openBrowser(kind);
      browsers.push(browser);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${base}/verifier`);
      assert.equal(await page.locator('h1').textContent(), 'Vérifier un document');
      assert.deepEqual(await seriousViolations(page), []);
      await page.setInputFiles('#verify-pdf', sealedFile);
      await page.getByRole('button', { name: 'Vérifier', exact: true }).click();
      await page.locator('.verdict').waitFor();
      assert.match(
        (await page.locator('.verdict h2').textContent()) ?? '',
        /Document intact, scellé par Paraphe/,
      );
      assert.equal(await sideScroll(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshot(page, `verifier-${kind}-sealed`);

      await page.getByRole('link', { name: /English|EN/ }).click();
      await page.fill('#verify-sha256', 'f'.repeat(64));
      await page.getByRole('button', { name: 'Verify', exact: true }).click();
      await page.locator('.verdict').waitFor();
      assert.match(
        (await page.locator('.verdict h2').textContent()) ?? '',
        /No Paraphe document has this fingerprint/,
      );
      assert.equal(await sideScroll(page), 0);
      assert.deepEqual(await seriousViolations(page), []);
      assert.deepEqual(errors, [], 'no CSP or script error');
    });
});
