import type { Locale } from '../../../shared/i18n/index.js';
import { t } from '../../../shared/i18n/index.js';
import { ordinal } from '../../../shared/i18n/messages/envelopes.js';
import type { LinkBlock } from './mime/link-block.js';
import { type RewriteResult, rewriteMessage } from './mime/rewrite-message.js';

/** "a, b et c" / "a, b and 3 others": short enough for one line. */
export function listPeople(locale: Locale, people: string[], max = 3): string {
  const and = t(locale, 'envelopes.list.and');
  if (people.length <= max) {
    if (people.length <= 1) return people.join('');
    return `${people.slice(0, -1).join(', ')} ${and} ${people[people.length - 1]}`;
  }
  const shown = people.slice(0, max - 1);
  return `${shown.join(', ')} ${and} ${t(locale, 'envelopes.list.others', { count: people.length - shown.length })}`;
}

/** The translated block for one signer: who asks to sign what, their place, their link. */
export function signerBlock(input: {
  locale: Locale;
  senderLabel: string;
  documentNames: string[];
  signerAddresses: string[];
  position: number;
  url: string;
}): LinkBlock {
  const { locale, position } = input;
  const total = input.signerAddresses.length;
  const place =
    total === 1
      ? t(locale, 'envelopes.block.placeOnly')
      : position === 1
        ? t(locale, 'envelopes.block.placeFirst', { total })
        : t(locale, 'envelopes.block.placeAfter', {
            ordinal: ordinal(locale, position),
            previous: listPeople(locale, input.signerAddresses.slice(0, position - 1)),
          });
  return {
    heading: t(locale, 'envelopes.block.heading', {
      sender: input.senderLabel,
      documents: input.documentNames.join(', '),
    }),
    place,
    linkLabel: t(locale, 'envelopes.block.linkLabel'),
    linkLine: t(locale, 'envelopes.block.linkLine', { url: input.url }),
    url: input.url,
  };
}

/** A signer's copy (block on top) or, with no block, a non-signer's copy (marker removed only). */
export function buildCopy(
  raw: Uint8Array,
  input: { marker: string; block: LinkBlock | null },
): RewriteResult {
  return rewriteMessage(raw, input);
}
