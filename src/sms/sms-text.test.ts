import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/index.js';
import { errorCatalogue, isAppError } from '../shared/errors.js';
import { locales, t } from '../shared/i18n/index.js';
import {
  assertSingleGsm7Sms,
  gsm7Length,
  otpSmsText,
  SMS_MAX_SEPTETS,
  testSmsText,
  toGsm7Typography,
} from './sms-text.js';
import type { SmsSettings } from './types.js';

// The longest name PARAPHE_SMS_OPERATOR_NAME accepts (30 characters), with the widest letters.
const longestOperatorName = 'W'.repeat(30);

describe('SMS texts', () => {
  it('accepts the longest operator name the configuration allows, and no longer one', () => {
    assert.equal(
      loadConfig({ PARAPHE_SMS_OPERATOR_NAME: longestOperatorName }).sms.operatorName,
      longestOperatorName,
    );
    assert.throws(
      () => loadConfig({ PARAPHE_SMS_OPERATOR_NAME: `${longestOperatorName}W` }),
      (e: unknown) => isAppError(e, 'CONFIG_INVALID'),
    );
    assert.throws(
      () => loadConfig({ PARAPHE_SMS_OPERATOR_NAME: 'Opérateur' }),
      (e: unknown) => isAppError(e, 'CONFIG_INVALID'),
    );
  });

  for (const locale of locales) {
    it(`keeps the ${locale} code SMS in one GSM-7 message with the longest operator name`, () => {
      const text = otpSmsText({
        locale,
        code: '123456',
        operatorName: longestOperatorName,
        validityMinutes: 10,
      });
      const septets = gsm7Length(text);
      assert.ok(septets !== null, `${text} is not GSM-7`);
      assert.ok(septets <= SMS_MAX_SEPTETS, `${septets} septets: ${text}`);
      assert.ok(text.includes('123456'));
      assert.ok(text.includes(longestOperatorName));
      assert.ok(text.includes('10'));
    });

    it(`keeps the ${locale} test SMS in one GSM-7 message`, () => {
      const septets = gsm7Length(testSmsText({ locale, operatorName: longestOperatorName }));
      assert.ok(septets !== null && septets <= SMS_MAX_SEPTETS);
    });
  }

  it('tells the signer not to share the code, in French and English', () => {
    const fr = otpSmsText({ locale: 'fr', code: '000001', operatorName: 'Paraphe', validityMinutes: 10 });
    const en = otpSmsText({ locale: 'en', code: '000001', operatorName: 'Paraphe', validityMinutes: 10 });
    assert.match(fr, /Ne le communiquez à personne/);
    assert.match(en, /Do not share it/);
    assert.match(fr, /Valable 10 minutes/);
  });

  it('sends the French typography of the catalogue as its GSM-7 look-alikes, one for one', () => {
    const typeset = 'Message de test l’opérateur\u00a0: « ok\u202f! »';
    assert.equal(gsm7Length(typeset), null);
    const plain = toGsm7Typography(typeset);
    assert.equal(plain, 'Message de test l\'opérateur : " ok ! "');
    assert.equal(plain.length, typeset.length);
    const test = testSmsText({ locale: 'fr', operatorName: 'Paraphe' });
    assert.equal(test, 'Message de test Paraphe : la passerelle SMS fonctionne.');
  });

  it('refuses characters outside GSM-7 and texts over 160 septets', () => {
    assert.equal(gsm7Length('Code : ça coûte'), null);
    assert.equal(gsm7Length('€'), 2);
    assert.throws(
      () => assertSingleGsm7Sms('l’apostrophe typographique'),
      (e: unknown) => isAppError(e, 'SMS_TEXT_INVALID'),
    );
    assert.throws(
      () => assertSingleGsm7Sms('a'.repeat(161)),
      (e: unknown) => isAppError(e, 'SMS_TEXT_INVALID'),
    );
    assert.equal(assertSingleGsm7Sms('a'.repeat(160)).length, 160);
  });

  it('gives the SMS domain its settings from the configuration defaults', () => {
    const settings: SmsSettings = loadConfig({}).sms;
    assert.equal(settings.provider, 'dev');
    assert.equal(settings.limits.ttlSeconds, 600);
    assert.equal(settings.limits.maxAttempts, 5);
    assert.equal(settings.limits.resendSeconds, 30);
    assert.equal(settings.limits.maxPerSignerPerHour, 5);
    assert.equal(settings.twilio.statusCallbackUrl, 'http://127.0.0.1:8080/webhooks/sms/twilio');
  });
});

describe('SMS error texts', () => {
  it('explains every SMS and code error in French and English', () => {
    const smsCodes = [
      'PHONE_INVALID',
      'PHONE_SHORT',
      'PHONE_LANDLINE',
      'PHONE_SPECIAL',
      'SMS_RESEND_TOO_SOON',
      'SMS_LIMIT_REACHED',
      'SMS_NUMBER_REJECTED',
      'SMS_PROVIDER_UNAVAILABLE',
      'SMS_PROVIDER_FAILED',
      'OTP_WRONG_CODE',
      'OTP_EXPIRED',
      'OTP_TOO_MANY_ATTEMPTS',
      'OTP_NO_CODE',
    ] as const;
    for (const code of smsCodes) {
      assert.ok(code in errorCatalogue, code);
      for (const locale of locales) {
        const text = t(locale, `error.${code}`, { seconds: 18, minutes: 55, attemptsLeft: 2 });
        assert.ok(text.length > 10 && !/\{\w+\}/.test(text), `${locale} error.${code}: ${text}`);
      }
    }
    assert.equal(t('fr', 'error.SMS_RESEND_TOO_SOON', { seconds: 18 }).includes('18 s'), true);
  });
});
