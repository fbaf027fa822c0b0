import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiateLocale, t } from './index.js';

describe('i18n', () => {
  it('fills placeholders and keeps unknown ones visible', () => {
    assert.equal(t('fr', 'app.name'), 'Paraphe');
    assert.equal(t('en', 'error.HTTP_NOT_FOUND'), 'Page not found.');
  });

  it('agrees words with numbers by each language’s plural rules', () => {
    assert.equal(t('fr', 'signing.page.pages', { count: 1 }), '1 page');
    assert.equal(t('fr', 'signing.page.pages', { count: 3 }), '3 pages');
    assert.equal(t('fr', 'signing.place.count', { count: 0 }), '0 signature placée.');
    assert.equal(t('en', 'signing.place.count', { count: 0 }), '0 signatures placed.');
    assert.equal(t('en', 'signing.place.count', { count: 1 }), '1 signature placed.');
    assert.equal(
      t('fr', 'error.OTP_WRONG_CODE', { attemptsLeft: 2 }),
      'Code incorrect. Il vous reste 2 essais.',
    );
    // A parameter that was not given stays visible rather than vanish.
    assert.equal(t('en', 'signing.page.pages', {}), '{count} {count|page|pages}');
  });

  it('throws on an unknown key instead of showing it to a person', () => {
    assert.throws(() => t('fr', 'no.such.key'), /unknown i18n key/);
  });

  it('picks the best supported language from Accept-Language, French otherwise', () => {
    assert.equal(negotiateLocale(undefined), 'fr');
    assert.equal(negotiateLocale('en-US,en;q=0.9'), 'en');
    assert.equal(negotiateLocale('de-DE,en;q=0.5,fr;q=0.8'), 'fr');
    assert.equal(negotiateLocale('de-DE,en;q=0.5'), 'en');
    assert.equal(negotiateLocale('es'), 'fr');
    assert.equal(negotiateLocale('en;q=0'), 'fr');
  });
});
