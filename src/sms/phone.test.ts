import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../shared/errors.js';
import { maskPhoneNumber, parseMobileNumber } from './phone.js';

function refusalCode(input: string): string | undefined {
  try {
    parseMobileNumber(input);
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : 'not an AppError';
  }
}

describe('parseMobileNumber', () => {
  it('reads a French mobile typed the French way and stores it as E.164', () => {
    assert.equal(parseMobileNumber('06 12 34 56 78').e164, '+33612345678');
    assert.equal(parseMobileNumber('06.12.34.56.78').e164, '+33612345678');
    assert.equal(parseMobileNumber('+33 6 12 34 56 78').e164, '+33612345678');
    assert.equal(parseMobileNumber('0033612345678').e164, '+33612345678');
  });

  it('accepts a foreign mobile written with its country code', () => {
    const uk = parseMobileNumber('+44 7911 123456');
    assert.equal(uk.e164, '+447911123456');
  });

  it('refuses a landline with a landline message', () => {
    assert.equal(refusalCode('01 23 45 67 89'), 'PHONE_LANDLINE');
    assert.equal(refusalCode('09 12 34 56 78'), 'PHONE_LANDLINE');
  });

  it('refuses premium and toll-free numbers as special numbers', () => {
    assert.equal(refusalCode('0899 12 34 56'), 'PHONE_SPECIAL');
    assert.equal(refusalCode('0800 123 456'), 'PHONE_SPECIAL');
  });

  it('refuses short numbers as such', () => {
    assert.equal(refusalCode('3631'), 'PHONE_SHORT');
    assert.equal(refusalCode('112'), 'PHONE_SHORT');
  });

  it('refuses garbage and incomplete numbers as invalid', () => {
    assert.equal(refusalCode('abc'), 'PHONE_INVALID');
    assert.equal(refusalCode(''), 'PHONE_INVALID');
    assert.equal(refusalCode('06 12 34 56'), 'PHONE_INVALID');
    assert.equal(refusalCode('06 12 34 56 78 90'), 'PHONE_INVALID');
  });
});

describe('maskPhoneNumber', () => {
  it('shows the country code, the first national digit and the last two digits only', () => {
    assert.equal(maskPhoneNumber('+33612345678'), '+33 6 •• •• •• 78');
    assert.equal(parseMobileNumber('07 81 23 45 67').masked, '+33 7 •• •• •• 67');
  });
});
