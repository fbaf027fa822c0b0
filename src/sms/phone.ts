import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../shared/errors.js';

/** A phone number checked to be a mobile, in E.164 form (`+33612345678`). */
export interface MobileNumber {
  e164: string;
  /** ISO country of the number when known (`FR`). */
  country: string | null;
  /** For display: `+33 6 •• •• •• 78`. */
  masked: string;
}

/** Numbers typed without an international prefix are read as French. */
export const DEFAULT_PHONE_REGION: CountryCode = 'FR';

// Short codes (3631, 112…) are never personal mobiles; E.164 numbers have at least 7 digits.
const SHORT_NUMBER_MAX_DIGITS = 6;

/**
 * Reads what a signer typed and keeps it only when it can receive an SMS code: a mobile number.
 * Throws `PHONE_INVALID`, `PHONE_SHORT`, `PHONE_LANDLINE` or `PHONE_SPECIAL` (premium, toll-free,
 * shared-cost) so the signer learns exactly what to fix.
 */
export function parseMobileNumber(
  input: string,
  defaultRegion: CountryCode = DEFAULT_PHONE_REGION,
): MobileNumber {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 0 || !/^[\d\s().+\-/]+$/.test(trimmed)) {
    throw new AppError('PHONE_INVALID', 'phone number has characters other than digits and separators');
  }
  if (digits.length <= SHORT_NUMBER_MAX_DIGITS && !trimmed.startsWith('+')) {
    throw new AppError('PHONE_SHORT', `short number of ${digits.length} digits`);
  }
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion);
  if (!parsed?.isValid()) throw new AppError('PHONE_INVALID', 'not a valid phone number');
  const type = parsed.getType();
  switch (type) {
    case 'MOBILE':
    // North American numbers do not tell mobiles from landlines; the gateway will refuse a landline.
    case 'FIXED_LINE_OR_MOBILE':
      break;
    case 'FIXED_LINE':
    case 'VOIP':
    case 'PAGER':
    case 'PERSONAL_NUMBER':
    case 'UAN':
    case 'VOICEMAIL':
      throw new AppError('PHONE_LANDLINE', `number type ${type} cannot receive SMS codes`);
    default:
      throw new AppError('PHONE_SPECIAL', `number type ${type ?? 'unknown'} is not a personal mobile`);
  }
  return { e164: parsed.number, country: parsed.country ?? null, masked: maskPhoneNumber(parsed.number) };
}

/**
 * Hides all but the first national digit and the last two: enough for a signer to recognise their
 * number on screen or in the evidence, not enough to harvest it.
 */
export function maskPhoneNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return `${e164.slice(0, 3)}${'•'.repeat(Math.max(0, e164.length - 5))}${e164.slice(-2)}`;
  const international = parsed.formatInternational();
  const prefix = `+${parsed.countryCallingCode}`;
  const rest = international.slice(prefix.length);
  const totalDigits = rest.replace(/\D/g, '').length;
  let seen = 0;
  let masked = '';
  for (const char of rest) {
    if (/\d/.test(char)) {
      seen += 1;
      masked += seen === 1 || seen > totalDigits - 2 ? char : '•';
    } else masked += char;
  }
  return prefix + masked;
}
