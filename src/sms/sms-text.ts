import { AppError } from '../shared/errors.js';
import { type Locale, t } from '../shared/i18n/index.js';

// GSM 03.38 default alphabet (one septet each) and its extension table (two septets each: escape + char).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

/** Longest text that fits one GSM-7 SMS; anything else is split (and billed) as several. */
export const SMS_MAX_SEPTETS = 160;

/** Septets the text takes in GSM-7, or null when a character forces UCS-2 (70 chars per SMS). */
export function gsm7Length(text: string): number | null {
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.includes(char)) septets += 1;
    else if (GSM7_EXTENSION.includes(char)) septets += 2;
    else return null;
  }
  return septets;
}

export function isGsm7(text: string): boolean {
  return gsm7Length(text) !== null;
}

/**
 * Typography the catalogues use for French (’, no-break spaces, guillemets) that GSM-7 lacks, each
 * mapped to its plain look-alike, one character for one. Every SMS text goes through this before the
 * GSM-7 check, so the catalogues keep one style for pages, mails and SMS while the SMS stays one
 * cheap GSM-7 message; anything else outside GSM-7 (ê, ç) is still refused by the check.
 */
const GSM7_TYPOGRAPHY: Record<string, string> = {
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '«': '"',
  '»': '"',
  '\u00a0': ' ',
  '\u202f': ' ',
  '–': '-',
  '—': '-',
};

/** The text with its typographic characters replaced by their GSM-7 look-alikes. */
export function toGsm7Typography(text: string): string {
  return text.replace(/[’‘“”«»\u00a0\u202f–—]/g, (c) => GSM7_TYPOGRAPHY[c] ?? c);
}

/** Throws unless the text is one plain GSM-7 SMS: the cheapest form that every phone shows as written. */
export function assertSingleGsm7Sms(text: string): string {
  const septets = gsm7Length(text);
  if (septets === null) {
    const bad = [...text].find((c) => !GSM7_BASIC.includes(c) && !GSM7_EXTENSION.includes(c)) ?? '';
    throw new AppError('SMS_TEXT_INVALID', `SMS text has a non GSM-7 character ${JSON.stringify(bad)}`);
  }
  if (septets > SMS_MAX_SEPTETS) {
    throw new AppError('SMS_TEXT_INVALID', `SMS text takes ${septets} septets, more than ${SMS_MAX_SEPTETS}`);
  }
  return text;
}

/** The one-time code message, in the signer's language. */
export function otpSmsText(options: {
  locale: Locale;
  code: string;
  operatorName: string;
  validityMinutes: number;
}): string {
  return assertSingleGsm7Sms(
    toGsm7Typography(
      t(options.locale, 'sms.code.text', {
        code: options.code,
        operator: options.operatorName,
        minutes: options.validityMinutes,
      }),
    ),
  );
}

/** The message `paraphe sms test` sends. */
export function testSmsText(options: { locale: Locale; operatorName: string }): string {
  return assertSingleGsm7Sms(
    toGsm7Typography(t(options.locale, 'sms.test.text', { operator: options.operatorName })),
  );
}
